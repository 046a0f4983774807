//! `layerlint server` driven over its standard input and output by a real JSON-RPC conversation:
//! the diagnostics it publishes, the edits its code actions and command make, hover, and how it
//! survives bad input and ends.

mod lsp_client;
mod skip;

use layerlint::fix::fix_source;
use layerlint::project::BuildContext;
use layerlint::{Applicability, LintOptions};
use lsp_client::{Client, apply_edits};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_layerlint");

const APT: &str = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n";

/// A directory with a `.git`, so configuration discovery stops there and no file above it counts.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn options_for(path: &Path) -> LintOptions {
    LintOptions {
        build_context: BuildContext::for_dockerfile(path.parent().unwrap(), path),
        config: Default::default(),
        ..LintOptions::default()
    }
}

/// A started, initialized server (UTF-16 positions, no debounce) with `text` open as `Dockerfile`
/// in a fresh workspace; returns the client, the workspace, the URI and the first diagnostics.
fn open(text: &str) -> (Client, tempfile::TempDir, String, Value) {
    let dir = workspace();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, text).unwrap();
    let mut client = Client::start(BIN, dir.path(), &[]);
    client.initialize(&[], json!({ "debounceMs": 0 }));
    let uri = uri_of(&path);
    client.open(&uri, "dockerfile", text);
    let diagnostics = client.diagnostics(&uri);
    (client, dir, uri, diagnostics)
}

fn codes(diagnostics: &Value) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    codes.sort();
    codes
}

fn lib_codes(text: &str, path: &Path) -> Vec<String> {
    let mut codes: Vec<String> = layerlint::lint_with(text, &options_for(path))
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    codes.sort();
    codes
}

fn edits_for<'v>(edit: &'v Value, uri: &str) -> &'v Vec<Value> {
    edit["changes"][uri]
        .as_array()
        .expect("edits for the document")
}

fn code_actions(client: &mut Client, uri: &str, range: Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range, "context": context }),
    );
    response["result"].as_array().cloned().unwrap_or_default()
}

fn whole(text: &str) -> Value {
    json!({ "start": { "line": 0, "character": 0 }, "end": { "line": text.lines().count(), "character": 0 } })
}

#[test]
fn initialize_announces_incremental_sync_code_actions_hover_and_the_command() {
    let dir = workspace();
    let mut client = Client::start(BIN, dir.path(), &[]);
    let result = client.initialize(&["utf-16"], json!(null));
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(capabilities["hoverProvider"], true);
    let kinds = &capabilities["codeActionProvider"]["codeActionKinds"];
    assert!(
        kinds
            .as_array()
            .unwrap()
            .contains(&json!("source.fixAll.layerlint")),
        "{kinds}"
    );
    assert_eq!(
        capabilities["executeCommandProvider"]["commands"],
        json!([layerlint::server::FIX_ALL_COMMAND])
    );
    assert_eq!(result["serverInfo"]["name"], "layerlint");
}

#[test]
fn diagnostics_on_open_match_check_and_carry_code_severity_and_related_lines() {
    let (_client, dir, _uri, diagnostics) = open(APT);
    assert_eq!(
        codes(&diagnostics),
        lib_codes(APT, &dir.path().join("Dockerfile"))
    );
    let all = diagnostics["diagnostics"].as_array().unwrap();
    let ll301 = all.iter().find(|d| d["code"] == "LL301").expect("LL301");
    assert_eq!(ll301["severity"], 2, "warning");
    assert_eq!(ll301["source"], "layerlint");
    assert_eq!(
        ll301["range"]["start"],
        json!({ "line": 1, "character": 4 })
    );
    assert_eq!(diagnostics["version"], 1);

    // LL302 names the line that created the file it deletes: related information.
    let text = "FROM alpine:3.20\nRUN dd if=/dev/zero of=/big bs=1k count=1\nRUN rm /big\n";
    let (_client, _dir, uri, diagnostics) = open(text);
    let ll302 = diagnostics["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "LL302")
        .cloned()
        .expect("LL302");
    let related = ll302["relatedInformation"]
        .as_array()
        .expect("related information");
    assert_eq!(related[0]["location"]["uri"], uri.as_str());
    assert_eq!(
        related[0]["location"]["range"]["start"]["line"], 1,
        "{ll302:#}"
    );
}

#[test]
fn a_change_is_applied_incrementally_and_relinted_with_its_version() {
    let (mut client, dir, uri, _) = open(APT);
    // Merge by hand: delete line 2 and put `apt-get update && ` into line 3 (two changes, applied
    // in order).
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [
                { "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 2, "character": 0 } }, "text": "" },
                { "range": { "start": { "line": 1, "character": 4 }, "end": { "line": 1, "character": 4 } }, "text": "apt-get update && " },
            ],
        }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics["version"], 2);
    let expected = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n";
    let codes = codes(&diagnostics);
    assert_eq!(codes, lib_codes(expected, &dir.path().join("Dockerfile")));
    assert!(!codes.contains(&"LL301".to_string()), "{codes:?}");
}

#[test]
fn code_actions_offer_each_fix_the_unsafe_ones_labelled_and_fix_all_equals_check_fix() {
    let (mut client, dir, uri, _) = open(APT);
    let actions = code_actions(&mut client, &uri, whole(APT), None);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();

    let ll301 = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("LL301"))
        .expect("LL301's fix");
    assert_eq!(ll301["kind"], "quickfix");
    assert_eq!(ll301["isPreferred"], true);
    let merged = apply_edits(APT, edits_for(&ll301["edit"], &uri));
    assert_eq!(
        merged,
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
    );

    let dl3015 = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("DL3015"))
        .expect("DL3015's fix");
    assert!(
        dl3015["title"].as_str().unwrap().ends_with("(unsafe)"),
        "{titles:?}"
    );
    assert_eq!(dl3015["isPreferred"], false);

    let fix_all = actions
        .iter()
        .find(|a| a["kind"] == "source.fixAll.layerlint")
        .expect("fix all");
    let fixed = apply_edits(APT, edits_for(&fix_all["edit"], &uri));
    let path = dir.path().join("Dockerfile");
    assert_eq!(
        fixed,
        fix_source(APT, &options_for(&path), Applicability::Safe).text
    );
    // And `check --fix` on a copy writes the same.
    let status = std::process::Command::new(BIN)
        .args(["check", "--fix", "--no-fail", "-q"])
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);

    // Asking only for fix-all gives nothing else; asking only for quick fixes gives no fix-all.
    let only_source = code_actions(&mut client, &uri, whole(APT), Some(&["source.fixAll"]));
    assert_eq!(only_source.len(), 1, "{only_source:#?}");
    let only_quick = code_actions(&mut client, &uri, whole(APT), Some(&["quickfix"]));
    assert!(only_quick.iter().all(|a| a["kind"] == "quickfix"));
}

#[test]
fn the_ignore_action_adds_the_pragma_that_silences_the_finding() {
    let text = "FROM debian:12\n  RUN apt-get install -y curl\n";
    let (mut client, dir, uri, _) = open(text);
    // The cursor on `apt-get install` (line 1).
    let range =
        json!({ "start": { "line": 1, "character": 8 }, "end": { "line": 1, "character": 8 } });
    let actions = code_actions(&mut client, &uri, range, Some(&["quickfix"]));
    let ignore = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Ignore DL3015"))
        .expect("an ignore action for DL3015");
    let edited = apply_edits(text, edits_for(&ignore["edit"], &uri));
    assert_eq!(
        edited,
        "FROM debian:12\n  # layerlint ignore=DL3015\n  RUN apt-get install -y curl\n"
    );
    let path = dir.path().join("Dockerfile");
    let after = lib_codes(&edited, &path);
    assert!(!after.contains(&"DL3015".to_string()), "{after:?}");
    assert!(
        !after.contains(&"LL002".to_string()),
        "the pragma is used: {after:?}"
    );
    // The other findings on that line are still there.
    let mut before = lib_codes(text, &path);
    before.retain(|code| code != "DL3015");
    assert_eq!(after, before);
}

#[test]
fn execute_command_sends_apply_edit_with_every_safe_fix() {
    let (mut client, dir, uri, _) = open(APT);
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": layerlint::server::FIX_ALL_COMMAND, "arguments": [uri] }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    let apply = client.wait_for(|m| m["method"] == "workspace/applyEdit");
    client.send(&json!({ "jsonrpc": "2.0", "id": apply["id"], "result": { "applied": true } }));
    let fixed = apply_edits(APT, edits_for(&apply["params"]["edit"], &uri));
    let expected = fix_source(
        APT,
        &options_for(&dir.path().join("Dockerfile")),
        Applicability::Safe,
    )
    .text;
    assert_eq!(fixed, expected);
    // An unknown command is an error, not a crash.
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "nope", "arguments": [] }),
    );
    assert_eq!(response["error"]["code"], -32602);
}

#[test]
fn hover_explains_a_finding_and_what_a_layer_adds_and_reads() {
    let text = "FROM alpine:3.20\nCOPY app.conf /etc/app.conf\nRUN dd if=/dev/zero of=/big bs=1k count=1\nRUN rm /big\n";
    let (mut client, _dir, uri, _) = open(text);
    let hover = |client: &mut Client, line: u32, character: u32| {
        let response = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        );
        response["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let on_rm = hover(&mut client, 3, 9);
    let doc = layerlint::rules::find("LL302").unwrap();
    assert!(on_rm.contains("**LL302**"), "{on_rm}");
    assert!(on_rm.contains(doc.summary.trim()), "{on_rm}");
    assert!(on_rm.contains("deletes: `/big`"), "{on_rm}");
    let on_copy = hover(&mut client, 1, 2);
    assert!(on_copy.contains("**COPY** commits a layer"), "{on_copy}");
    assert!(on_copy.contains("adds: `/etc/app.conf`"), "{on_copy}");
    assert!(
        on_copy.contains("build-context files: `app.conf`"),
        "{on_copy}"
    );
    let on_dd = hover(&mut client, 2, 5);
    assert!(on_dd.contains("adds: `/big`"), "{on_dd}");
    // FROM makes no layer of its own and has no finding here: nothing to say.
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } }),
    );
    assert_eq!(response["result"], Value::Null);
}

/// `é` is one UTF-16 unit and two bytes, `𝄞` two units and four bytes: the same finding must be
/// placed at different characters under each encoding, and edits must land on the right bytes.
#[test]
fn non_ascii_lines_are_placed_in_utf16_or_utf8_as_negotiated() {
    let text = "FROM debian:12\nRUN echo é𝄞 && apt-get install -y curl\n";
    let install_byte = text.find("apt-get install").unwrap() - text.find("RUN").unwrap();
    let install_utf16 = "RUN echo é𝄞 && ".encode_utf16().count();
    for (offered, expected_encoding, expected_character) in [
        (vec![], "utf-16", install_utf16),
        (vec!["utf-8", "utf-16"], "utf-8", install_byte),
    ] {
        let dir = workspace();
        let path = dir.path().join("Dockerfile");
        let mut client = Client::start(BIN, dir.path(), &[]);
        let result = client.initialize(&offered, json!({ "debounceMs": 0 }));
        assert_eq!(
            result["capabilities"]["positionEncoding"],
            expected_encoding
        );
        let uri = uri_of(&path);
        client.open(&uri, "dockerfile", text);
        let diagnostics = client.diagnostics(&uri);
        let dl3015 = diagnostics["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "DL3015")
            .cloned()
            .expect("DL3015");
        assert_eq!(
            dl3015["range"]["start"],
            json!({ "line": 1, "character": expected_character }),
            "{expected_encoding}"
        );
        // Replace `curl` (whose place depends on the encoding) with `wget`.
        let curl = expected_character + "apt-get install -y ".len();
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": 2 },
                "contentChanges": [{ "range": { "start": { "line": 1, "character": curl }, "end": { "line": 1, "character": curl + 4 } }, "text": "wget" }],
            }),
        );
        client.diagnostics(&uri);
        let hover = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 1 } }),
        );
        // The server's copy now reads wget: check the fix-all edit it offers, which quotes it.
        let actions = code_actions(&mut client, &uri, whole(text), Some(&["source.fixAll"]));
        let edit = serde_json::to_string(&actions).unwrap();
        assert!(hover["result"].is_object(), "{hover}");
        if !actions.is_empty() {
            assert!(!edit.contains("curl"), "{edit}");
        }
        let unsafe_actions = code_actions(&mut client, &uri, whole(text), Some(&["quickfix"]));
        let dl3015_fix = unsafe_actions
            .iter()
            .find(|a| a["title"].as_str().unwrap().starts_with("DL3015"))
            .expect("DL3015's fix");
        let insert = &edits_for(&dl3015_fix["edit"], &uri)[0]["range"]["start"];
        assert_eq!(
            insert["character"],
            expected_character + "apt-get install".len(),
            "{expected_encoding}"
        );
    }
}

#[test]
fn garbage_unknown_methods_and_a_panic_get_errors_and_the_server_goes_on() {
    let dir = workspace();
    let mut client = Client::start(
        BIN,
        dir.path(),
        &[(layerlint::server::PANIC_TEST_VARIABLE, "1")],
    );
    // Before initialize, a request is refused.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    client.initialize(&[], json!({ "debounceMs": 0 }));
    // Not JSON, not UTF-8, a header with no length: each a parse error with a null id.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    client.send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc");
    client.send_raw(b"X-Nonsense\r\n\r\n");
    for _ in 0..3 {
        let error = client.wait_for(|m| m["id"].is_null() && m.get("error").is_some());
        assert_eq!(error["error"]["code"], -32700, "{error}");
    }
    let unknown = client.request("textDocument/frobnicate", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let bad_params = client.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(bad_params["error"]["code"], -32602);
    let crashed = client.request(
        "workspace/executeCommand",
        json!({ "command": "layerlint.panicForTest" }),
    );
    assert_eq!(crashed["error"]["code"], -32603, "{crashed}");
    // Still serving.
    let uri = uri_of(&dir.path().join("Dockerfile"));
    client.open(&uri, "dockerfile", APT);
    assert!(!codes(&client.diagnostics(&uri)).is_empty());
    let shutdown = client.request("shutdown", json!(null));
    assert_eq!(shutdown["result"], Value::Null);
    client.notify("exit", json!(null));
    assert_eq!(client.wait_exit(), Some(0));
}

#[test]
fn exit_without_shutdown_and_closed_input_end_with_code_1() {
    let dir = workspace();
    let mut client = Client::start(BIN, dir.path(), &[]);
    client.initialize(&[], json!(null));
    client.notify("exit", json!(null));
    assert_eq!(client.wait_exit(), Some(1));
    let mut client = Client::start(BIN, dir.path(), &[]);
    client.initialize(&[], json!(null));
    client.close_input();
    assert_eq!(client.wait_exit(), Some(1));
}

#[test]
fn the_server_exits_when_the_client_process_dies() {
    let dir = workspace();
    let mut parent = std::process::Command::new("sleep")
        .arg("600")
        .spawn()
        .unwrap();
    let mut client = Client::start(BIN, dir.path(), &[]);
    let response = client.request(
        "initialize",
        json!({ "processId": parent.id(), "capabilities": {} }),
    );
    assert!(response["result"].is_object());
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        client.child.try_wait().unwrap(),
        None,
        "running while the client lives"
    );
    parent.kill().unwrap();
    parent.wait().unwrap();
    assert_eq!(client.wait_exit(), Some(1), "exits once the client is gone");
}

#[test]
fn configuration_is_discovered_per_file_and_a_change_to_it_relints() {
    let (mut client, dir, uri, diagnostics) = open(APT);
    assert!(codes(&diagnostics).contains(&"DL3008".to_string()));
    std::fs::write(dir.path().join(".layerlint.yaml"), "ignored: [DL3008]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&dir.path().join(".layerlint.yaml")), "type": 1 }] }),
    );
    let relinted = client.diagnostics(&uri);
    assert!(
        !codes(&relinted).contains(&"DL3008".to_string()),
        "{relinted:#}"
    );
    // A configuration that cannot be used: one error, and no finding made under other settings.
    std::fs::write(dir.path().join(".layerlint.yaml"), "ignored: {{{\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": [] }));
    let broken = client.diagnostics(&uri);
    let all = broken["diagnostics"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{broken:#}");
    assert!(
        all[0]["message"]
            .as_str()
            .unwrap()
            .contains("configuration")
    );
    // Closing clears the document's diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(client.diagnostics(&uri)["diagnostics"], json!([]));
}

#[test]
fn only_dockerfiles_are_linted() {
    let dir = workspace();
    let mut client = Client::start(BIN, dir.path(), &[]);
    client.initialize(&[], json!({ "debounceMs": 0 }));
    let notes = uri_of(&dir.path().join("notes.txt"));
    client.open(&notes, "plaintext", APT);
    let containerfile = uri_of(&dir.path().join("Containerfile"));
    client.open(&containerfile, "plaintext", APT);
    client.diagnostics(&containerfile);
    let about_notes = client.wait_up_to(Duration::from_millis(300), |m| {
        m["params"]["uri"] == notes.as_str()
    });
    assert_eq!(about_notes, None);
}

#[test]
fn changes_in_a_burst_are_linted_once_after_the_debounce() {
    let dir = workspace();
    let path = dir.path().join("Dockerfile");
    let mut client = Client::start(BIN, dir.path(), &[]);
    client.initialize(&[], json!({ "debounceMs": 300 }));
    let uri = uri_of(&path);
    client.open(&uri, "dockerfile", APT);
    assert_eq!(
        client.diagnostics(&uri)["version"],
        1,
        "an open is linted at once"
    );
    for version in 2..=4 {
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "# x\n" }],
            }),
        );
    }
    let published = client.diagnostics(&uri);
    assert_eq!(
        published["version"], 4,
        "only the last version: {published:#}"
    );
    let more = client.wait_up_to(Duration::from_millis(500), |m| {
        m["method"] == "textDocument/publishDiagnostics"
    });
    assert_eq!(more, None, "one publication for the burst");
    // A save does not wait for the debounce.
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(client.diagnostics(&uri)["version"], 4);
}

#[test]
fn it_asks_to_watch_side_files_and_relints_when_a_dockerignore_is_saved() {
    let dir = workspace();
    let path = dir.path().join("Dockerfile");
    std::fs::write(dir.path().join("app.conf"), "x\n").unwrap();
    let text = "FROM alpine:3.20\nCOPY app.conf /etc/app.conf\n";
    let mut client = Client::start(BIN, dir.path(), &[]);
    let response = client.request(
        "initialize",
        json!({
            "processId": null,
            "capabilities": { "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } },
            "initializationOptions": { "debounceMs": 0 },
        }),
    );
    assert!(response["result"].is_object());
    client.notify("initialized", json!({}));
    let register = client.wait_for(|m| m["method"] == "client/registerCapability");
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs = registration["registerOptions"]["watchers"].to_string();
    assert!(
        globs.contains("**/.dockerignore") && globs.contains("**/.layerlint.yaml"),
        "{globs}"
    );
    client.send(&json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));

    let uri = uri_of(&path);
    client.open(&uri, "dockerfile", text);
    assert!(!codes(&client.diagnostics(&uri)).contains(&"CopyIgnoredFile".to_string()));
    std::fs::write(dir.path().join(".dockerignore"), "app.conf\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri_of(&dir.path().join(".dockerignore")) } }),
    );
    let relinted = client.diagnostics(&uri);
    assert!(
        codes(&relinted).contains(&"CopyIgnoredFile".to_string()),
        "{relinted:#}"
    );
}

#[test]
fn a_compose_file_gives_the_build_context_and_saving_it_relints() {
    let dir = workspace();
    let api = dir.path().join("docker/api");
    std::fs::create_dir_all(&api).unwrap();
    let path = api.join("Dockerfile");
    // The context is the workspace root, whose .dockerignore leaves app.conf out; the
    // Dockerfile's own directory has no .dockerignore.
    std::fs::write(dir.path().join(".dockerignore"), "app.conf\n").unwrap();
    std::fs::write(dir.path().join("app.conf"), "x\n").unwrap();
    let text = "FROM alpine:3.20\nCOPY app.conf /etc/app.conf\n";
    std::fs::write(&path, text).unwrap();
    let mut client = Client::start(BIN, dir.path(), &[]);
    client.initialize(&[], json!({ "debounceMs": 0 }));
    let uri = uri_of(&path);
    client.open(&uri, "dockerfile", text);
    assert!(!codes(&client.diagnostics(&uri)).contains(&"CopyIgnoredFile".to_string()));

    let compose = dir.path().join("compose.yaml");
    std::fs::write(
        &compose,
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api/Dockerfile\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri_of(&compose) } }),
    );
    let relinted = client.diagnostics(&uri);
    assert!(
        codes(&relinted).contains(&"CopyIgnoredFile".to_string()),
        "{relinted:#}"
    );
}

/// A script ShellCheck finds fault with (SC2086: `$UNSET_THING` unquoted, at line 2, column 10).
const SC_TEXT: &str = "FROM alpine:3.20\nRUN echo $UNSET_THING\n";

/// The SC diagnostics of a publication, as (code, line, character).
fn sc_findings(published: &Value) -> Vec<(String, u64, u64)> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("SC")))
        .map(|d| {
            let start = &d["range"]["start"];
            (
                d["code"].as_str().unwrap().to_string(),
                start["line"].as_u64().unwrap(),
                start["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Whether ShellCheck is here; a visible skip (a failure on CI) when not.
fn shellcheck_here(test: &str) -> bool {
    if layerlint::shellcheck::locate().is_some() {
        return true;
    }
    skip::skip(
        test,
        "`shellcheck` is not on PATH (apt-get install shellcheck)",
    );
    false
}

fn change(client: &mut Client, uri: &str, version: i64, range: Value, text: &str) -> Value {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": text }] }),
    );
    let published = client.diagnostics(uri);
    assert_eq!(published["version"], version, "{published:#}");
    published
}

fn range(line: u64, from: u64, to: u64) -> Value {
    json!({ "start": { "line": line, "character": from }, "end": { "line": line, "character": to } })
}

#[test]
fn shellcheck_runs_on_open_and_save_and_its_findings_follow_the_edits_between() {
    if !shellcheck_here("server ShellCheck (tests/server_protocol.rs)") {
        return;
    }
    let (mut client, dir, uri, opened) = open(SC_TEXT);
    // layerlint's findings come at once; ShellCheck's follow when it has read the scripts.
    assert!(sc_findings(&opened).is_empty(), "{opened:#}");
    let opened = client.diagnostics(&uri);
    assert_eq!(opened["version"], 1);
    assert_eq!(sc_findings(&opened), [("SC2086".to_string(), 1, 9)]);
    // The same findings as `check`, SC ones included.
    let check = std::process::Command::new(BIN)
        .args(["check", "-f", "json", "--no-fail", "Dockerfile"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let checked: Value = serde_json::from_slice(&check.stdout).unwrap();
    let mut check_codes: Vec<String> = checked
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    check_codes.sort();
    assert_eq!(codes(&opened), check_codes);
    let sc = opened["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SC2086")
        .unwrap();
    assert_eq!(
        sc["codeDescription"]["href"],
        "https://www.shellcheck.net/wiki/SC2086"
    );
    assert_eq!(sc["severity"], 3, "ShellCheck's info is information");

    // A line typed above the RUN: the finding moves with it, without ShellCheck running again.
    let moved = change(&mut client, &uri, 2, range(1, 0, 0), "LABEL a=b\n");
    assert_eq!(sc_findings(&moved), [("SC2086".to_string(), 2, 9)]);

    // The ignore action is offered for it, as for layerlint's own findings.
    let actions = code_actions(&mut client, &uri, range(2, 9, 9), None);
    assert!(
        actions
            .iter()
            .any(|a| a["title"].as_str().unwrap_or("").contains("ignore=SC2086")),
        "{actions:#?}"
    );

    // Quoting the variable makes a script ShellCheck has not read: nothing is said of it (no
    // stale finding) until a save.
    let quoted = change(&mut client, &uri, 3, range(2, 9, 21), "\"$UNSET_THING\"");
    assert!(sc_findings(&quoted).is_empty(), "{quoted:#}");

    // Unquoted again: the very script ShellCheck read on open, so its finding is back at once.
    let unquoted = change(&mut client, &uri, 4, range(2, 9, 23), "$UNSET_THING");
    assert_eq!(sc_findings(&unquoted), [("SC2086".to_string(), 2, 9)]);

    // Another variable: a new script, read at the save.
    let other = change(&mut client, &uri, 5, range(2, 9, 21), "$OTHER");
    assert!(sc_findings(&other).is_empty(), "{other:#}");
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    let saved = client.diagnostics(&uri);
    assert!(sc_findings(&saved).is_empty(), "at once: {saved:#}");
    let saved = client.diagnostics(&uri);
    assert_eq!(saved["version"], 5);
    assert_eq!(sc_findings(&saved), [("SC2086".to_string(), 2, 9)]);

    // A pragma typed above the RUN silences it at once.
    let silenced = change(
        &mut client,
        &uri,
        6,
        range(2, 0, 0),
        "# hadolint ignore=SC2086\n",
    );
    assert!(sc_findings(&silenced).is_empty(), "{silenced:#}");
}

#[test]
fn shellcheck_is_off_with_the_flag_the_client_setting_or_the_configuration() {
    if !shellcheck_here("server ShellCheck settings (tests/server_protocol.rs)") {
        return;
    }
    let dir = workspace();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, SC_TEXT).unwrap();
    let uri = uri_of(&path);
    // The SC findings published after the open's first publication, if any come within
    // `patience` (ShellCheck answers in tens of milliseconds; more under load).
    let first_sc = |args: &[&str], options: Value, patience: u64| {
        let mut client = Client::start_with(BIN, dir.path(), args, &[]);
        client.initialize(&[], options);
        client.open(&uri, "dockerfile", SC_TEXT);
        let first = client.diagnostics(&uri);
        assert!(sc_findings(&first).is_empty(), "{first:#}");
        client
            .wait_up_to(Duration::from_secs(patience), |m| {
                m["method"] == "textDocument/publishDiagnostics"
            })
            .map(|m| sc_findings(&m["params"]))
            .unwrap_or_default()
    };
    assert_eq!(
        first_sc(&[], json!({ "debounceMs": 0 }), 30).len(),
        1,
        "on by default"
    );
    assert!(first_sc(&["--no-shellcheck"], json!({ "debounceMs": 0 }), 1).is_empty());
    assert!(first_sc(&[], json!({ "debounceMs": 0, "shellcheck": false }), 1).is_empty());
    std::fs::write(dir.path().join(".layerlint.yaml"), "shellcheck: false\n").unwrap();
    assert!(first_sc(&[], json!({ "debounceMs": 0 }), 1).is_empty());
}
