use super::*;
use crate::syntax::parse;

/// Merges every `RUN` of the last stage (the first to the last) and returns the new file, after
/// checking that it parses cleanly.
fn merge_all(source: &str) -> Result<String, Refusal> {
    let dockerfile = parse(source);
    let model = Model::build(&dockerfile);
    let stage = model.stages.len().checked_sub(1).ok_or(Refusal::NotRuns)?;
    let runs: Vec<usize> = model.stages[stage]
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.instruction.keyword == Keyword::Run)
        .map(|(i, _)| i)
        .collect();
    let (Some(&first), Some(&last)) = (runs.first(), runs.last()) else {
        return Err(Refusal::NotRuns);
    };
    let merged = merge_runs(&model, stage, first, last)?;
    let [edit] = merged.edits.as_slice() else {
        panic!("one edit expected");
    };
    let out = format!(
        "{}{}{}",
        &source[..edit.span.start as usize],
        edit.content,
        &source[edit.span.end as usize..]
    );
    let reparsed = parse(&out);
    assert!(
        reparsed.errors.is_empty(),
        "{out:?} does not parse: {:?}",
        reparsed.errors
    );
    Ok(out)
}

fn merges_to(source: &str, expected: &str) {
    match merge_all(source) {
        Ok(out) => assert_eq!(out, expected, "merging {source:?}"),
        Err(refusal) => panic!("merging {source:?} was refused: {refusal}"),
    }
}

fn refused(source: &str) -> Refusal {
    match merge_all(source) {
        Ok(out) => panic!("merging {source:?} should be refused, gave {out:?}"),
        Err(refusal) => refusal,
    }
}

#[test]
fn two_runs_join_on_a_continuation_line() {
    merges_to(
        "FROM a\nRUN mkdir /data\nRUN touch /data/x\nCMD ls\n",
        "FROM a\nRUN mkdir /data && \\\n    touch /data/x\nCMD ls\n",
    );
}

#[test]
fn each_run_keeps_its_own_continuations_and_the_first_keeps_its_flags() {
    merges_to(
        "FROM a\nRUN --mount=type=cache,target=/c a\nRUN --mount=type=cache,target=/c b \\\n      --flag\n",
        "FROM a\nRUN --mount=type=cache,target=/c a && \\\n      b \\\n      --flag\n",
    );
}

#[test]
fn a_script_that_changes_directory_runs_in_a_subshell_unless_it_is_last() {
    merges_to(
        "FROM a\nRUN cd /src && make\nRUN make install\nRUN cd /tmp\n",
        "FROM a\nRUN ( cd /src && make ) && \\\n    make install && \\\n    cd /tmp\n",
    );
}

#[test]
fn state_changes_anywhere_outside_a_subshell_are_wrapped() {
    for (script, wrapped) in [
        ("if [ -d /x ]; then cd /x; fi", true),
        ("FOO=bar", true),
        ("export PATH=/x:$PATH", true),
        ("f() { echo; }; f", true),
        ("test -f /x || exit 0", true),
        (": ${X:=1}", true),
        ("echo $(( n += 1 ))", true),
        ("command cd /x", true),
        ("A=1 :", true),
        ("umask 077 && touch /x", true),
        ("$CMD /x", true),
        ("c${X} /x", true),
        ("python${V} -c 1", false),
        ("(cd /x && make)", false),
        ("command -v curl || apk add curl", false),
        ("A=1 make", false),
        ("echo \"$(cd /x; pwd)\"", false),
        ("echo $(( 1 == 2 ))", false),
    ] {
        let source = format!("FROM a\nRUN {script}\nRUN pwd\n");
        let expected = if wrapped {
            format!("FROM a\nRUN ( {script} ) && \\\n    pwd\n")
        } else {
            format!("FROM a\nRUN {script} && \\\n    pwd\n")
        };
        merges_to(&source, &expected);
    }
}

#[test]
fn a_trailing_semicolon_is_dropped() {
    merges_to("FROM a\nRUN a;\nRUN b; \n", "FROM a\nRUN a && \\\n    b\n");
}

#[test]
fn trailing_shell_comments_move_above_the_merged_run() {
    merges_to(
        "FROM a\nRUN a; # make a\nRUN b # then b\n",
        "FROM a\n# make a\n# then b\nRUN a && \\\n    b\n",
    );
}

#[test]
fn docker_comment_lines_after_the_script_move_above() {
    merges_to(
        "FROM a\nRUN b\nRUN a \\\n  # note\n  ;\n",
        "FROM a\n# note\nRUN b && \\\n  a\n",
    );
}

#[test]
fn docker_comment_lines_inside_a_script_stay() {
    merges_to(
        "FROM a\nRUN a \\\n  # note\n  && b\nRUN c\n",
        "FROM a\nRUN a \\\n  # note\n  && b && \\\n  c\n",
    );
}

#[test]
fn an_or_on_the_left_keeps_its_meaning_and_on_the_right_is_grouped() {
    // `a || c && b` is `(a || c) && b`.
    merges_to(
        "FROM a\nRUN a || c\nRUN b\n",
        "FROM a\nRUN a || c && \\\n    b\n",
    );
    // `b && a || c` would run `c` when `b` failed.
    merges_to(
        "FROM a\nRUN b\nRUN a || c\n",
        "FROM a\nRUN b && \\\n    { a || c; }\n",
    );
}

#[test]
fn lists_stay_plain_first_and_are_grouped_after() {
    // `a; b && c` runs `c` iff `b` succeeded, which is when `RUN a; b` succeeded.
    merges_to(
        "FROM a\nRUN a; b\nRUN c; d\nRUN e\n",
        "FROM a\nRUN a; b && \\\n    { c; d; } && \\\n    e\n",
    );
}

#[test]
fn the_backtick_escape_is_kept() {
    merges_to(
        "# escape=`\nFROM a\nRUN a `\n  b\nRUN c\n",
        "# escape=`\nFROM a\nRUN a `\n  b && `\n  c\n",
    );
}

#[test]
fn crlf_line_endings_are_kept() {
    merges_to(
        "FROM a\r\nRUN a\r\n# next\r\nRUN b\r\nCMD x\r\n",
        "FROM a\r\n# next\r\nRUN a && \\\r\n    b\r\nCMD x\r\n",
    );
}

#[test]
fn a_file_without_a_final_line_ending_keeps_none() {
    merges_to("FROM a\nRUN a\nRUN b", "FROM a\nRUN a && \\\n    b");
    merges_to(
        "FROM a\nRUN a\nEXPOSE 80\nRUN b",
        "FROM a\nRUN a && \\\n    b\nEXPOSE 80",
    );
}

#[test]
fn continuations_take_the_shortest_indentation_of_the_first_run() {
    merges_to(
        "FROM a\nRUN apt-get install -y \\\n\t\tcurl \\\n\t&& rm -rf /x\nRUN b\n",
        "FROM a\nRUN apt-get install -y \\\n\t\tcurl \\\n\t&& rm -rf /x && \\\n\tb\n",
    );
}

#[test]
fn indented_runs_indent_their_continuations_further() {
    merges_to(
        "FROM a\n  RUN a\n  RUN b\n",
        "FROM a\n  RUN a && \\\n      b\n",
    );
}

#[test]
fn metadata_moves_after_the_merged_run_with_its_comments() {
    merges_to(
        "FROM a\nRUN a\n\n# web port\nEXPOSE 80\n# about b\nRUN b\n# the label\nLABEL x=y\nRUN c\nCMD [\"c\"]\n",
        "FROM a\n# about b\nRUN a && \\\n    b && \\\n    c\n\n# web port\nEXPOSE 80\n# the label\nLABEL x=y\nCMD [\"c\"]\n",
    );
}

#[test]
fn the_merge_reports_what_it_did() {
    let source = "FROM a\nRUN a\nSTOPSIGNAL SIGTERM\nHEALTHCHECK CMD true\nRUN b\n";
    let dockerfile = parse(source);
    let model = Model::build(&dockerfile);
    let merged = merge_runs(&model, 0, 0, 3).expect("mergeable");
    assert_eq!(merged.moved, [Keyword::Stopsignal, Keyword::Healthcheck]);
    assert_eq!(merged.runs.len(), 2);
    assert_eq!(merged.edits[0].span, Span::new(7, source.len()));
    let fix = merged.into_fix("merge", Applicability::Safe);
    assert_eq!(fix.edits.len(), 1);
}

#[test]
fn barriers_between_runs_are_refused() {
    for (between, keyword) in [
        ("ENV X=1", Keyword::Env),
        ("ARG X", Keyword::Arg),
        ("WORKDIR /x", Keyword::Workdir),
        ("USER app", Keyword::User),
        ("COPY . .", Keyword::Copy),
        ("ADD x /x", Keyword::Add),
        ("VOLUME /v", Keyword::Volume),
        ("SHELL [\"/bin/bash\", \"-c\"]", Keyword::Shell),
        ("ONBUILD RUN x", Keyword::Onbuild),
    ] {
        let source = format!("FROM a\nRUN a\n{between}\nRUN b\n");
        let dockerfile = parse(&source);
        let model = Model::build(&dockerfile);
        assert_eq!(
            merge_runs(&model, 0, 0, 2),
            Err(Refusal::Barrier { line: 3, keyword }),
            "{between}"
        );
    }
}

#[test]
fn different_flags_are_refused_but_their_order_does_not_matter() {
    assert_eq!(
        refused("FROM a\nRUN --mount=type=cache,target=/c a\nRUN b\n"),
        Refusal::FlagsDiffer { line: 3 }
    );
    assert_eq!(
        refused("FROM a\nRUN --network=none a\nRUN --network=host b\n"),
        Refusal::FlagsDiffer { line: 3 }
    );
    merges_to(
        "FROM a\nRUN --network=none --mount=type=secret,id=t a\nRUN --mount=type=secret,id=t --network=none b\n",
        "FROM a\nRUN --network=none --mount=type=secret,id=t a && \\\n    b\n",
    );
}

#[test]
fn mounts_each_run_gets_afresh_are_refused() {
    assert_eq!(
        refused("FROM a\nRUN --mount=type=tmpfs,target=/t a\nRUN --mount=type=tmpfs,target=/t b\n"),
        Refusal::PrivateMount { line: 2 }
    );
    assert_eq!(
        refused("FROM a\nRUN --mount=target=/s,rw a\nRUN --mount=target=/s,rw b\n"),
        Refusal::PrivateMount { line: 2 }
    );
}

#[test]
fn heredocs_exec_form_and_other_shells_are_refused() {
    assert_eq!(
        refused("FROM a\nRUN a\nRUN <<EOF\nb\nEOF\n"),
        Refusal::Heredoc { line: 3 }
    );
    assert_eq!(
        refused("FROM a\nRUN [\"a\"]\nRUN b\n"),
        Refusal::ExecForm { line: 2 }
    );
    assert_eq!(
        refused("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nRUN echo hi\n"),
        Refusal::NotPosix { line: 2 }
    );
    assert_eq!(
        refused("FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN dir\nRUN echo hi\n"),
        Refusal::NotPosix { line: 3 }
    );
}

#[test]
fn background_jobs_are_refused() {
    assert_eq!(
        refused("FROM a\nRUN sleep 5 &\nRUN b\n"),
        Refusal::Background { line: 2 }
    );
    assert_eq!(
        refused("FROM a\nRUN a\nRUN server & b\n"),
        Refusal::Background { line: 3 }
    );
}

#[test]
fn set_e_scripts_join_with_a_semicolon_where_that_is_exact() {
    // Under -e from the first command, `S1; S2` stops where the RUNs would have stopped.
    merges_to(
        "FROM a\nRUN set -eux; a; b\nRUN c\n",
        "FROM a\nRUN set -eux; a; b; \\\n    c\n",
    );
    merges_to(
        "FROM a\nRUN set -eux; \\\n\ta; \\\n\tb\nRUN set -eux; c; d\n",
        "FROM a\nRUN set -eux; \\\n\ta; \\\n\tb; \\\n\tset -eux; c; d\n",
    );
    // -u: a later script may only read variables that are set.
    merges_to(
        "FROM a\nENV DIR=/srv\nRUN set -eu; a\nRUN mkdir \"$DIR\"\n",
        "FROM a\nENV DIR=/srv\nRUN set -eu; a; \\\n    mkdir \"$DIR\"\n",
    );
    // `a && b` last: `a` may fail without ending the shell, and the RUN fails; in a subshell,
    // its status is the RUN's, and the outer -e stops there.
    merges_to(
        "FROM a\nRUN set -e; a && b\nRUN c\n",
        "FROM a\nRUN set -e; ( a && b ); \\\n    c\n",
    );
    // A script that leaks more than its options keeps it to itself in a subshell; a later one
    // too, and the outer shell's -e still ends the build where it fails.
    merges_to(
        "FROM a\nRUN set -eux; \\\n\texport X=1; \\\n\ta\nRUN set -eux; cd /b; c\nRUN set -eux; d\n",
        "FROM a\nRUN set -eux; \\\n\t( export X=1; \\\n\ta ); \\\n\t( set -eux; cd /b; c ); \\\n\tset -eux; d\n",
    );
    let refusals = [
        // Without `set -e` of its own first, the first script has no opening to keep outside.
        "FROM a\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN export X=1; a\nRUN c\n",
        // Two list items, without -e of their own, would now stop at the first failure.
        "FROM a\nRUN set -e; a\nRUN c; d\n",
        // -u would stop at a variable that may be unset.
        "FROM a\nARG V\nRUN set -eu; a\nRUN echo $V\n",
        // pipefail changes a pipeline's status.
        "FROM a\nRUN set -e -o pipefail; a\nRUN c | d\n",
        // An option turned off, or computed.
        "FROM a\nRUN set -e; a\nRUN set +e; c\n",
        "FROM a\nRUN set -e$X; a\nRUN c\n",
        // -e is not on from the first command.
        "FROM a\nRUN a; set -e; b\nRUN c\n",
    ];
    for source in refusals {
        assert!(
            matches!(refused(source), Refusal::Errexit { .. }),
            "{source}"
        );
    }
}

#[test]
fn unreadable_scripts_are_refused() {
    assert_eq!(
        refused("FROM a\nRUN echo 'open\nRUN b\n"),
        Refusal::Unreadable { line: 2 }
    );
}

#[test]
fn set_e_is_refused_where_the_shell_would_ignore_it() {
    // `( set -e; a; b ) && c` runs `b` after `a` fails; `&&` is not the join for these.
    assert_eq!(
        refused("FROM a\nRUN (set -e; a; b)\nRUN c\n"),
        Refusal::Errexit { line: 2 }
    );
    // Last in the merge, the group is the last command of the `&&` list, where -e holds.
    merges_to(
        "FROM a\nRUN c\nRUN set -eux; a; b\n",
        "FROM a\nRUN c && \\\n    { set -eux; a; b; }\n",
    );
    // A computed name could be `set`, unless its literal start rules that out.
    assert_eq!(
        refused("FROM a\nRUN $CMD -e; a; b\nRUN c\n"),
        Refusal::Errexit { line: 2 }
    );
    merges_to(
        "FROM a\nRUN X=1; python${V} -c 1; b\nRUN c\n",
        "FROM a\nRUN ( X=1; python${V} -c 1; b ) && \\\n    c\n",
    );
    // An and-or list of simple commands carries its failure on its own.
    merges_to(
        "FROM a\nRUN set -e && a\nRUN c\n",
        "FROM a\nRUN ( set -e && a ) && \\\n    c\n",
    );
}

#[test]
fn a_shell_with_errexit_refuses_groups_left_of_and() {
    let shell = "SHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]";
    // The first script's leading items stay plain list items, where -e holds.
    merges_to(
        &format!("FROM a\n{shell}\nRUN a; b\nRUN c\n"),
        &format!("FROM a\n{shell}\nRUN a; b && \\\n    c\n"),
    );
    assert_eq!(
        refused(&format!("FROM a\n{shell}\nRUN a\nRUN c; d\nRUN e\n")),
        Refusal::Errexit { line: 4 }
    );
    assert_eq!(
        refused(&format!(
            "FROM a\n{shell}\nRUN for f in x y; do cp $f /; done\nRUN e\n"
        )),
        Refusal::Errexit { line: 3 }
    );
    // Without -e, the same loop merges.
    merges_to(
        "FROM a\nRUN for f in x y; do cp $f /; done\nRUN e\n",
        "FROM a\nRUN for f in x y; do cp $f /; done && \\\n    e\n",
    );
    // The SHELL of the stage it is built from counts too.
    assert_eq!(
        refused(
            "FROM a AS base\nSHELL [\"/bin/sh\", \"-e\", \"-c\"]\nFROM base\nRUN if x; then y; fi\nRUN z\n"
        ),
        Refusal::Errexit { line: 4 }
    );
}

#[test]
fn step_indices_must_name_two_runs_in_order() {
    let dockerfile = parse("FROM a\nRUN a\nEXPOSE 1\nRUN b\n");
    let model = Model::build(&dockerfile);
    assert_eq!(merge_runs(&model, 0, 0, 0), Err(Refusal::NotRuns));
    assert_eq!(merge_runs(&model, 0, 2, 0), Err(Refusal::NotRuns));
    assert_eq!(merge_runs(&model, 0, 0, 1), Err(Refusal::NotRuns));
    assert_eq!(merge_runs(&model, 0, 0, 9), Err(Refusal::NotRuns));
    assert_eq!(merge_runs(&model, 5, 0, 2), Err(Refusal::NotRuns));
    assert!(merge_runs(&model, 0, 0, 2).is_ok());
}

#[test]
fn refusals_read_as_sentences() {
    let text = Refusal::Barrier {
        line: 4,
        keyword: Keyword::Copy,
    }
    .to_string();
    assert_eq!(
        text,
        "COPY on line 4 sits between the RUNs and changes what a later RUN sees"
    );
    assert!(Refusal::Errexit { line: 2 }.to_string().contains("set -e"));
}

#[test]
fn the_longest_merge_stops_where_the_next_run_cannot_join() {
    let source = "FROM a\nRUN a\nRUN set -e; b; c\nRUN d\n";
    let dockerfile = parse(source);
    let model = Model::build(&dockerfile);
    let merger = Merger::new(&model);
    let (last, merged) = merger.longest_from(0, 0).expect("two RUNs merge");
    assert_eq!(last, 1);
    assert_eq!(
        merged.edits[0].content,
        "RUN a && \\\n    { set -e; b; c; }\n"
    );
    // From the `set -e` script on, the stretch joins with `;` instead.
    let (last, merged) = merger.longest_from(0, 1).expect("joined under set -e");
    assert_eq!(last, 2);
    assert_eq!(merged.edits[0].content, "RUN set -e; b; c; \\\n    d\n");
    assert!(merger.longest_from(0, 2).is_none());
}

/// `longest_from` checks a stretch one `RUN` at a time; it must agree with trying `merge` on
/// every longer stretch.
#[test]
fn the_longest_merge_agrees_with_merge() {
    const LINES: [&str; 9] = [
        "RUN a",
        "RUN set -e; b; c",
        "RUN cd /x",
        "RUN --network=none n",
        "RUN x &",
        "RUN <<EOF\nh\nEOF",
        "EXPOSE 1",
        "ENV A=1",
        "RUN a; b || c",
    ];
    for code in 0..LINES.len().pow(4) {
        let mut source = String::from("FROM a\n");
        let mut rest = code;
        for _ in 0..4 {
            source.push_str(LINES[rest % LINES.len()]);
            source.push('\n');
            rest /= LINES.len();
        }
        let dockerfile = parse(&source);
        let model = Model::build(&dockerfile);
        let merger = Merger::new(&model);
        let steps = model.stages[0].steps.len();
        for first in 0..steps {
            let by_merge = (first + 1..steps)
                .take_while(|&last| {
                    merger.merge(0, first, last).is_ok() || run_at(&model.stages[0], last).is_none()
                })
                .filter(|&last| merger.merge(0, first, last).is_ok())
                .last()
                .and_then(|last| merger.merge(0, first, last).ok().map(|m| (last, m)));
            assert_eq!(
                merger.longest_from(0, first),
                by_merge,
                "{source}from step {first}"
            );
        }
    }
}

/// Merges every `RUN` of the only stage, moving `ENV`/`ARG` above.
fn hoisting(source: &str) -> Result<(String, Merged), Refusal> {
    let dockerfile = parse(source);
    let model = Model::build(&dockerfile);
    let runs: Vec<usize> = model.stages[0]
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.instruction.keyword == Keyword::Run)
        .map(|(i, _)| i)
        .collect();
    let merged = Merger::new(&model).merge_hoisting(0, runs[0], runs[runs.len() - 1])?;
    let edit = &merged.edits[0];
    let out = format!(
        "{}{}{}",
        &source[..edit.span.start as usize],
        edit.content,
        &source[edit.span.end as usize..]
    );
    Ok((out, merged))
}

#[test]
fn env_and_arg_move_above_the_merged_run_in_their_order() {
    let (out, merged) =
        hoisting("FROM a\nRUN a\n\n# the version\nENV V=1\nARG W\nEXPOSE 80\nRUN get $V $W\n")
            .expect("hoists");
    assert_eq!(
        out,
        "FROM a\n# the version\nENV V=1\nARG W\nRUN a && \\\n    get $V $W\nEXPOSE 80\n"
    );
    assert_eq!(merged.hoisted.len(), 2);
    // Without hoisting, the same RUNs are not merged.
    assert!(matches!(
        refused("FROM a\nRUN a\nENV V=1\nRUN b\n"),
        Refusal::Barrier { line: 3, .. }
    ));
}

#[test]
fn a_variable_an_earlier_run_names_or_every_command_reads_stays_put() {
    for source in [
        "FROM a\nRUN echo $V\nENV V=1\nRUN b\n",
        "FROM a\nRUN --mount=type=cache,id=c-$V,target=/c a\nARG V\nRUN --mount=type=cache,id=c-$V,target=/c b\n",
        "FROM a\nRUN a\nENV PATH=/opt/bin:$PATH\nRUN b\n",
        "FROM a\nRUN a\nENV LC_CTYPE=C.UTF-8\nRUN b\n",
    ] {
        assert!(
            matches!(hoisting(source), Err(Refusal::Hoist { .. })),
            "{source}"
        );
    }
    // USER, WORKDIR and the like still end the merge.
    assert!(matches!(
        hoisting("FROM a\nRUN a\nUSER app\nRUN b\n"),
        Err(Refusal::Barrier { .. })
    ));
}
