#!/usr/bin/env python3
"""Sorts the disagreements of the model-based rules with hadolint 2.15.1 into classes.

For docs/hadolint-parity.md ("The model-based rules"): runs layerlint over the corpus as
benches/hadolint-parity.py does (same matching of findings to instructions), then puts each
finding of DL3009, DL3019, DL3032, DL3036, DL3040, DL3042, DL3059 or DL3060 that only one tool
makes into a class by simple text features (is its stage shipped, is it an ONBUILD trigger,
how many commands its RUNs have, what stands between them), and prints per rule and side the
count of each class with a seeded sample of each. The classes are a first sort: every class
named in the doc was checked by reading its samples with their files.

    LAYERLINT_BIN=target/debug/layerlint benches/model-parity-classes.py
"""
import os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import importlib.util, json, pathlib, sys, os
os.environ.setdefault("LAYERLINT_BIN", "target/release/layerlint")
spec=importlib.util.spec_from_file_location("hp","benches/hadolint-parity.py"); hp=importlib.util.module_from_spec(spec); spec.loader.exec_module(hp)
CODES={"DL3009","DL3019","DL3032","DL3036","DL3040","DL3042","DL3059","DL3060"}
peer=json.loads(hp.PEER.read_text())["files"]
failed={f for f,items in peer.items() if any(i["code"]=="DL1000" for i in items)}
files=sorted(f for f in peer if f not in failed and (hp.CORPUS/f).is_file())
starts={f: hp.instruction_starts((hp.CORPUS/f).read_text(errors="replace")) for f in files}
def key(f,code,line):
    o=starts[f]; first=o[line] if 0<line<len(o) else 0
    return (f,code,first or line)
H={};L={}
for f in files:
    for it in peer[f]:
        if it["code"] in CODES: H.setdefault(key(f,it["code"],it["line"]),[]).append(it)
prefix=str(hp.CORPUS)+"/"
for it in hp.run_layerlint(files):
    f=str(pathlib.Path(it["file"]).resolve()).removeprefix(prefix)
    if it["code"] in CODES and f in starts: L.setdefault(key(f,it["code"],it["line"]),[]).append(it)
out={"H":[list(k) for k in H],"L":[[*k, L[k][0]["message"]] for k in L]}
KEYS=out

import json,collections,re,pathlib,random,sys
CORPUS=pathlib.Path('/work/shared/corpus')
d=KEYS
H={tuple(k) for k in d["H"]}
Lmsg={tuple(k[:3]):k[3] for k in d["L"]}
L=set(Lmsg)
cache_text={}
def lines(f):
    if f not in cache_text: cache_text[f]=(CORPUS/f).read_text(errors="replace").split("\n")
    return cache_text[f]
FROM=re.compile(r'^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?',re.I)
def instructions(f):
    # (start line 1-based, end line, text joined)
    ls=lines(f); out=[]; i=0; n=len(ls)
    esc='`' if any(re.match(r'#\s*escape\s*=\s*`',l,re.I) for l in ls[:5]) else '\\'
    while i<n:
        l=ls[i]
        if not l.strip() or l.lstrip().startswith('#'): i+=1; continue
        start=i; text=l
        hd=re.findall(r'<<-?["\']?(\w+)',l) if re.match(r'\s*(RUN|COPY|ADD)\b',l,re.I) else []
        while text.rstrip().endswith(esc) and i+1<n:
            i+=1
            nl=ls[i]
            if nl.lstrip().startswith('#'): continue
            text=text.rstrip()[:-1]+' '+nl
        for h in hd:
            while i+1<n and ls[i+1].strip()!=h: i+=1; text+='\n'+ls[i]
            i+=1
        out.append((start+1,i+1,text)); i+=1
    return out
def stages(f):
    ins=instructions(f); st=[]
    for s,e,t in ins:
        m=FROM.match(t)
        if m: st.append([s,m.group(1).lower(),(m.group(2) or '').lower()])
    return st,ins
def shipping(f):
    st,_=stages(f)
    if not st: return None,st
    ship={len(st)-1}; cur=len(st)-1
    names={s[2]:i for i,s in enumerate(st) if s[2]}
    while True:
        b=st[cur][1]
        j=names.get(b)
        if j is None and b.isdigit(): j=int(b)
        if j is None or j in ship or j>=cur: break
        ship.add(j); cur=j
    return ship,st
def stage_of(st,line):
    idx=None
    for i,s in enumerate(st):
        if s[0]<=line: idx=i
    return idx
def ins_at(f,line):
    for s,e,t in instructions(f):
        if s==line: return (s,e,t)
    return None
def ncmd(t):
    # Commands as hadolint counts them for DL3059: those joined by operators, plus those inside
    # command substitutions and the conditions of if/while/until (a rough count from the text).
    body=re.sub(r'^\s*RUN\s+(--\S+\s+)*','',t,flags=re.I)
    single=re.sub(r"'[^']*'","S",body)
    subs=len(re.findall(r'\$\((?!\()',single))+single.count('`')//2+len(re.findall(r'\b(if|while|until)\b',single))
    body=re.sub(r"'[^']*'|\"[^\"]*\"","S",body)
    return 1+len(re.findall(r'&&|\|\||;|\|',body))+subs
def unbalanced_quotes(t):
    # A single quote left open (`'lol\\''`): sh cannot read the script.
    return re.sub(r'"(\\.|[^"\\])*"','D',t).count("'")%2==1
def windows_base(f):
    # A Windows base image (named in FROM or in an ARG default), whose default shell is cmd.
    return any(re.match(r'\s*(FROM|ARG)\b.*(mcr\.microsoft\.com/windows|nanoserver|servercore)',l,re.I) for l in lines(f))
def cache_class(f,line,code):
    ship,st=shipping(f)
    t=ins_at(f,line); text=t[2] if t else ''
    if text.lstrip().upper().startswith('ONBUILD'): return 'onbuild trigger'
    if ship is None: return 'fragment'
    i=stage_of(st,line)
    if i is not None and i not in ship: return 'stage does not ship'
    if re.search(r'--mount=\S*type=cache',text): return 'cache mount'
    return 'other'
out=collections.defaultdict(collections.Counter); ex=collections.defaultdict(list)
rules=["DL3009","DL3019","DL3032","DL3036","DL3040","DL3042","DL3060"]
for side,mine,other in (("hadolint",H,L),("layerlint",L,H)):
    for k in sorted(mine):
        if k in other or k[1] not in rules: continue
        c=cache_class(k[0],k[2],k[1])
        out[(k[1],side)][c]+=1; ex[(k[1],side,c)].append(k)
for key in sorted(out):
    print(key, dict(out[key]))
random.seed(7)
for key in sorted(ex):
    ks=ex[key]; random.shuffle(ks)
    print("##",key,len(ks)); [print("   ",k[0]+":"+str(k[2])) for k in ks[:4]]

import re,collections,random
def rng(msg):
    m=re.search(r'RUNs on lines (\d+)-(\d+)',msg)
    if m: return int(m.group(1)),int(m.group(2)),'group'
    m=re.search(r'RUN on line (\d+) could share a layer with the (?:RUN on|\d+ RUNs from) line (\d+)',msg)
    if m: return int(m.group(2)),int(m.group(1)),'envarg'
    return None
Lr=collections.defaultdict(list)
for k,msg in Lmsg.items():
    if k[1]=="DL3059":
        r=rng(msg)
        if r: Lr[k[0]].append((k[2],)+r)
Hf=collections.defaultdict(list)
for k in H:
    if k[1]=="DL3059": Hf[k[0]].append(k[2])
def prev_run(f,line):
    ins=instructions(f); prev=None
    for s,e,t in ins:
        if s==line: return prev,t
        prev=(s,e,t)
    return None,None
def feats(t):
    fl=[]
    if re.match(r'\s*RUN\s+(--\S+\s+)*\[',t,re.I): fl.append('exec form')
    if '<<' in t and re.search(r'<<-?["\']?\w+',t): fl.append('heredoc')
    if re.search(r'--mount=\S*type=(tmpfs|bind)',t): fl.append('tmpfs/bind mount')
    if re.search(r'(^|[^&|>])&\s*($|[^&>])',re.sub(r'&&|>&|&>','',t)): fl.append('background &')
    if re.search(r'\bset\s+-[a-z]*e',t): fl.append('set -e')
    return fl
cH=collections.Counter(); exH=collections.defaultdict(list)
for k in sorted(H):
    if k in L or k[1]!="DL3059": continue
    f,line=k[0],k[2]
    if any(a<=line<=b for _,a,b,_ in Lr[f]): c='same stretch, layerlint keys it on another RUN'
    else:
        p,t=prev_run(f,line)
        fl=(feats(t or '')+feats(p[2] if p else ''))
        win=any(re.match(r'#\s*escape\s*=\s*`',l,re.I) for l in lines(f)[:5]) or re.search(r'SHELL\s*\[\s*"(powershell|pwsh|cmd)',"\n".join(lines(f)),re.I)
        if win: c='Windows / non-POSIX shell'
        elif windows_base(f): c='Windows base image (cmd by default)'
        elif fl: c='cannot merge safely: '+sorted(set(fl))[0]
        elif unbalanced_quotes(t or '') or (p and unbalanced_quotes(p[2])): c='a script sh cannot read (a quote left open)'
        else: c='other'
    cH[c]+=1; exH[c].append(f"{f}:{line}")
cL=collections.Counter(); exL=collections.defaultdict(list)
for k in sorted(L):
    if k in H or k[1]!="DL3059": continue
    f=k[0]; r=rng(Lmsg[k])
    if r is None: c='unparsed message'
    else:
        a,b,kind=r
        hs=[x for x in Hf[f] if a<x<=b]
        if hs: c='same stretch, hadolint keys it on a later RUN'
        elif kind=='envarg': c='RUNs separated only by ENV/ARG (hadolint resets at any instruction)'
        else:
            runs=[(s,e,t) for s,e,t in instructions(f) if a<=s<=b and re.match(r'\s*RUN\b',t,re.I)]
            between=[t for s,e,t in instructions(f) if a<s<b and not re.match(r'\s*RUN\b',t,re.I)]
            if between: c='metadata instructions between the RUNs (hadolint resets at any instruction)'
            elif all(max(ncmd(runs[k-1][2]),ncmd(runs[k][2]))>=2 for k in range(1,len(runs))):
                # hadolint lists every command twice (ShellCheck's getCommand answers for the
                # redirection wrapper and for the command inside it), so its "more than two" is
                # "more than one": each pair holds a RUN of two or more commands.
                c='each pair of RUNs holds one of two or more commands (hadolint reports only single-command pairs)'
            else: c='other'
    cL[c]+=1; exL[c].append(f"{f}:{k[2]}")
print("only hadolint", sum(cH.values())); [print("  ",n,c) for c,n in cH.most_common()]
print("only layerlint", sum(cL.values())); [print("  ",n,c) for c,n in cL.most_common()]
random.seed(7)
for name,ex in (("H",exH),("L",exL)):
    for c,v in ex.items():
        random.shuffle(v); print("##",name,c); [print("   ",x) for x in v[:4]]
