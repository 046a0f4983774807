//! The server's loop: one message at a time, diagnostics published when a document's debounce
//! runs out and no message is waiting, the client process watched.
//!
//! Every request and notification is handled inside `catch_unwind`: a bug that panics on one
//! message is answered with an internal error (and logged on standard error), and the session
//! goes on with the next.

use super::actions::{self, FIX_ALL_KIND};
use super::diagnostics::{self, DocsLink};
use super::documents::{Document, Documents};
use super::lifeline;
use super::positions::{Encoding, Positions};
use super::settings::options_for;
use super::shellcheck::{Checked, ShellCheck};
use super::transport::{Incoming, Writer};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, ExecuteCommandOptions,
    InitializeParams, InitializeResult, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use serde_json::Value;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::time::{Duration, Instant};

/// How long diagnostics wait after a change for the next one, unless the client sets
/// `debounceMs`. Linting a typical file takes about a millisecond, so the wait is short: it only
/// spares the work for changes that come in a burst (a paste, a macro, fast typing); changes
/// already queued are always applied before linting, whatever the debounce.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(5);

/// How often the loop looks for a ShellCheck thread's answer while one runs.
const SHELLCHECK_LOOK: Duration = Duration::from_millis(2);

/// The command that applies every safe fix of a document through `workspace/applyEdit`, for
/// clients that run commands rather than code actions' edits.
pub const FIX_ALL_COMMAND: &str = "layerlint.applyAllSafeFixes";

/// Set (to any value) to make the command `layerlint.panicForTest` panic: how the protocol tests
/// check that a crash in one request leaves the server running.
pub const PANIC_TEST_VARIABLE: &str = "LAYERLINT_SERVER_PANIC_TEST";

/// How the session ended: the process's exit code, as the protocol asks (0 after `shutdown` then
/// `exit`, 1 otherwise).
pub type Ending = i32;

type Reply = Result<Value, (ErrorCode, String)>;

pub struct Session<W: Write> {
    writer: Writer<W>,
    encoding: Encoding,
    documents: Documents,
    docs: DocsLink,
    debounce: Duration,
    client: Option<u32>,
    initialized: bool,
    shut_down: bool,
    next_id: i32,
    /// The client can watch files for us: ask it to once it is initialized.
    watch_when_initialized: bool,
    shellcheck: ShellCheck,
    /// Where ShellCheck's threads answer, and where the loop looks for their answers.
    shellcheck_done: (Sender<Checked>, Receiver<Checked>),
}

impl<W: Write> Session<W> {
    pub fn new(writer: Writer<W>, shellcheck: ShellCheck) -> Session<W> {
        Session {
            writer,
            encoding: Encoding::Utf16,
            documents: Documents::default(),
            docs: DocsLink::new(None),
            debounce: DEFAULT_DEBOUNCE,
            client: None,
            initialized: false,
            shut_down: false,
            next_id: 0,
            watch_when_initialized: false,
            shellcheck,
            shellcheck_done: channel(),
        }
    }

    /// Runs until `exit`, the end of the input, or the client's death.
    pub fn run(mut self, incoming: Receiver<Incoming>) -> Ending {
        let mut next_poll = Instant::now() + lifeline::POLL;
        loop {
            self.take_shellcheck_answers();
            // Queued messages first: changes that came together are linted once.
            let received = match incoming.try_recv() {
                Ok(message) => Ok(message),
                Err(TryRecvError::Disconnected) => Err(RecvTimeoutError::Disconnected),
                Err(TryRecvError::Empty) => {
                    self.publish_due();
                    let mut wake = self
                        .documents
                        .next_due()
                        .map_or(next_poll, |due| due.min(next_poll));
                    // A ShellCheck thread answers on another channel: look at it often while
                    // one runs.
                    if self.documents.any_shellcheck_running() {
                        wake = wake.min(Instant::now() + SHELLCHECK_LOOK);
                    }
                    incoming.recv_timeout(wake.saturating_duration_since(Instant::now()))
                }
            };
            match received {
                Ok(Incoming::Message(message)) => {
                    if let Some(ending) = self.handle(message) {
                        return ending;
                    }
                }
                Ok(Incoming::Garbage { id, code, message }) => {
                    eprintln!("layerlint server: {message}");
                    let _ = self.writer.send_garbage_error(id, code, &message);
                }
                Err(RecvTimeoutError::Timeout) => {}
                // The client closed our input without `exit`.
                Err(RecvTimeoutError::Disconnected) => return 1,
            }
            if Instant::now() >= next_poll {
                next_poll = Instant::now() + lifeline::POLL;
                if self.client.is_some_and(|pid| !lifeline::is_alive(pid)) {
                    eprintln!("layerlint server: the client process is gone; exiting");
                    return 1;
                }
            }
        }
    }

    fn handle(&mut self, message: Message) -> Option<Ending> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let method = request.method.clone();
                let reply = catch_unwind(AssertUnwindSafe(|| self.request(request)))
                    .unwrap_or_else(|_| {
                        Err((
                            ErrorCode::InternalError,
                            format!("layerlint crashed handling {method}; the server goes on"),
                        ))
                    });
                let response = match reply {
                    Ok(value) => Response::new_ok(id, value),
                    Err((code, message)) => Response::new_err(id, code as i32, message),
                };
                self.send(Message::Response(response));
                None
            }
            Message::Notification(notification) if notification.method == note::Exit::METHOD => {
                Some(if self.shut_down { 0 } else { 1 })
            }
            Message::Notification(notification) => {
                let method = notification.method.clone();
                if catch_unwind(AssertUnwindSafe(|| self.notification(notification))).is_err() {
                    eprintln!("layerlint server: crashed handling {method}; going on");
                }
                None
            }
            // Answers to our own requests (applyEdit, registerCapability): nothing waits for them.
            Message::Response(response) => {
                if let Some(error) = response.error {
                    eprintln!(
                        "layerlint server: the client refused request {}: {}",
                        response.id, error.message
                    );
                }
                None
            }
        }
    }

    fn send(&mut self, message: Message) {
        if let Err(err) = self.writer.send(message) {
            eprintln!("layerlint server: cannot write to the client: {err}");
        }
    }

    fn request(&mut self, request: Request) -> Reply {
        let method = request.method.as_str();
        if method == req::Initialize::METHOD {
            if self.initialized {
                return Err((
                    ErrorCode::InvalidRequest,
                    "initialize was already sent".into(),
                ));
            }
            return self.initialize(params(request.params)?);
        }
        if !self.initialized {
            return Err((ErrorCode::ServerNotInitialized, "initialize first".into()));
        }
        if self.shut_down {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            ));
        }
        match method {
            req::Shutdown::METHOD => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            req::CodeActionRequest::METHOD => self.code_action(params(request.params)?),
            req::HoverRequest::METHOD => self.hover(params(request.params)?),
            req::ExecuteCommand::METHOD => self.execute_command(params(request.params)?),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("layerlint does not handle {method}"),
            )),
        }
    }

    fn initialize(&mut self, init: InitializeParams) -> Reply {
        let offered = init
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        self.encoding = Encoding::negotiate(offered);
        self.client = init.process_id;
        let options = init.initialization_options.unwrap_or(Value::Null);
        if let Some(ms) = options.get("debounceMs").and_then(Value::as_u64) {
            self.debounce = Duration::from_millis(ms.min(10_000));
        }
        let docs_url = options
            .get("ruleDocsUrl")
            .and_then(Value::as_str)
            .map(String::from);
        self.docs = DocsLink::new(docs_url);
        // The client's setting can turn ShellCheck off, not on against `--no-shellcheck`.
        if options.get("shellcheck").and_then(Value::as_bool) == Some(false) {
            self.shellcheck = ShellCheck::Off;
        }
        self.initialized = true;
        let capabilities = ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::from(FIX_ALL_KIND),
                ]),
                ..CodeActionOptions::default()
            })),
            hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![FIX_ALL_COMMAND.to_string()],
                ..ExecuteCommandOptions::default()
            }),
            ..ServerCapabilities::default()
        };
        let watch = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.watch_when_initialized = watch;
        to_value(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "layerlint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
    }

    /// Asks the client to tell us about configuration and ignore files changing on disk (once it
    /// said `initialized`: no request may reach it before it has the initialize answer).
    fn watch_side_files(&mut self) {
        let watchers: Vec<Value> = [
            "**/.layerlint.yaml",
            "**/.layerlint.yml",
            "**/.hadolint.yaml",
            "**/.hadolint.yml",
            "**/.dockerignore",
            "**/*.dockerignore",
            "**/compose.yaml",
            "**/compose.yml",
            "**/docker-compose.yaml",
            "**/docker-compose.yml",
            "**/docker-bake.hcl",
            "**/docker-bake.json",
        ]
        .iter()
        .map(|glob| serde_json::json!({ "globPattern": glob }))
        .collect();
        let params = serde_json::json!({
            "registrations": [{
                "id": "layerlint-side-files",
                "method": note::DidChangeWatchedFiles::METHOD,
                "registerOptions": { "watchers": watchers },
            }]
        });
        self.send_request(req::RegisterCapability::METHOD, params);
    }

    fn send_request(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let id = RequestId::from(format!("layerlint-{}", self.next_id));
        self.send(Message::Request(Request::new(
            id,
            method.to_string(),
            params,
        )));
    }

    fn notification(&mut self, notification: Notification) {
        if !self.initialized {
            return;
        }
        let method = notification.method.as_str();
        let now = Instant::now();
        match method {
            note::Initialized::METHOD if self.watch_when_initialized => self.watch_side_files(),
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidOpenTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let item = p.text_document;
                let mut document =
                    Document::new(item.uri, &item.language_id, item.version, item.text);
                document.due = Some(now);
                document.shellcheck_due = true;
                self.documents.open(document);
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidChangeTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let encoding = self.encoding;
                let due = now + self.debounce;
                if let Some(document) = self.documents.get_mut(&p.text_document.uri) {
                    for change in p.content_changes {
                        document.apply(change, encoding);
                    }
                    document.version = p.text_document.version;
                    document.due = Some(due);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidSaveTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let saved_side_file = p
                    .text_document
                    .uri
                    .path_segments()
                    .and_then(|mut s| s.next_back())
                    .is_some_and(is_side_file);
                if saved_side_file {
                    self.relint_all(now);
                } else if let Some(document) = self.documents.get_mut(&p.text_document.uri) {
                    document.due = Some(now);
                    document.shellcheck_due = true;
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidCloseTextDocumentParams>(notification.params)
                else {
                    return;
                };
                if let Some(document) = self.documents.close(&p.text_document.uri) {
                    if document.lintable {
                        self.publish(document.uri, Vec::new(), None);
                    }
                }
            }
            note::DidChangeWatchedFiles::METHOD | note::DidChangeConfiguration::METHOD => {
                self.relint_all(now)
            }
            _ => {}
        }
    }

    fn relint_all(&mut self, now: Instant) {
        for document in self.documents.iter_mut() {
            document.due = Some(now);
            document.shellcheck_due = true;
        }
    }

    /// Lints and publishes every document whose time has come.
    fn publish_due(&mut self) {
        let now = Instant::now();
        let mut due = Vec::new();
        for document in self.documents.iter_mut() {
            if document.due.is_some_and(|at| at <= now) {
                document.due = None;
                if document.lintable {
                    due.push(document.uri.clone());
                }
            }
        }
        for uri in due {
            let published = catch_unwind(AssertUnwindSafe(|| self.diagnostics_of(&uri)));
            match published {
                Ok(Some((diagnostics, version))) => self.publish(uri, diagnostics, Some(version)),
                Ok(None) => {}
                Err(_) => eprintln!("layerlint server: crashed linting {uri}; going on"),
            }
        }
    }

    fn diagnostics_of(&mut self, uri: &Url) -> Option<(Vec<lsp_types::Diagnostic>, i32)> {
        let options = options_for(self.documents.get(uri)?.path.as_deref());
        if let Ok(options) = &options {
            self.refresh_shellcheck(uri, &options.config);
        }
        let document = self.documents.get(uri)?;
        let diagnostics = match options {
            Ok(options) => {
                let positions = Positions::new(&document.text, self.encoding);
                self.findings(document, &options)
                    .iter()
                    .map(|finding| diagnostics::to_lsp(finding, uri, &positions, &self.docs))
                    .collect()
            }
            Err(message) => vec![diagnostics::config_error(&message)],
        };
        Some((diagnostics, document.version))
    }

    /// Starts ShellCheck on the document when an open or a save asked for it, unless a run for
    /// it is still going (the request then waits for its answer).
    fn refresh_shellcheck(&mut self, uri: &Url, config: &crate::config::Config) {
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        if document.shellcheck_running || !std::mem::take(&mut document.shellcheck_due) {
            return;
        }
        document.shellcheck_running = self.shellcheck.start(
            uri,
            &document.text,
            config,
            &document.shellcheck,
            &self.shellcheck_done.0,
        );
    }

    /// Keeps what finished ShellCheck runs said, and has their documents published again when
    /// that adds findings (or when a save came while the run went on).
    fn take_shellcheck_answers(&mut self) {
        while let Ok(Checked { uri, said }) = self.shellcheck_done.1.try_recv() {
            let Some(document) = self.documents.get_mut(&uri) else {
                continue;
            };
            document.shellcheck_running = false;
            let mut found = false;
            match said {
                Ok(said) => {
                    found = said.found_anything();
                    let config = options_for(document.path.as_deref())
                        .map(|o| o.config)
                        .unwrap_or_default();
                    let now = crate::shellcheck::collect(&document.text, &config);
                    document.shellcheck.remember(said, &now);
                }
                Err(why) => {
                    eprintln!("layerlint server: ShellCheck could not run ({why}): no SC findings")
                }
            }
            if found || document.shellcheck_due {
                document.due = Some(Instant::now());
            }
        }
    }

    /// The document's findings: layerlint's, and ShellCheck's on the scripts it has read, in the
    /// order `check` reports them.
    fn findings(
        &self,
        document: &Document,
        options: &crate::LintOptions,
    ) -> Vec<crate::Diagnostic> {
        let mut findings = crate::lint_with(&document.text, options);
        let said = self
            .shellcheck
            .findings(&document.text, &options.config, &document.shellcheck);
        if !said.is_empty() {
            findings.extend(said);
            findings.sort_by_key(|d| (d.span.start, d.code, d.span.end));
        }
        findings
    }

    fn publish(&mut self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            note::PublishDiagnostics::METHOD.to_string(),
            params,
        )));
    }

    /// The document at `uri`, linted: `Err` when it is not open (or not a Dockerfile), or its
    /// configuration cannot be used.
    fn linted(
        &self,
        uri: &Url,
    ) -> Result<(&Document, crate::LintOptions, Vec<crate::Diagnostic>), (ErrorCode, String)> {
        let document = self.documents.get(uri).filter(|d| d.lintable).ok_or((
            ErrorCode::InvalidParams,
            format!("{uri} is not an open Dockerfile"),
        ))?;
        let options =
            options_for(document.path.as_deref()).map_err(|m| (ErrorCode::RequestFailed, m))?;
        let findings = self.findings(document, &options);
        Ok((document, options, findings))
    }

    fn code_action(&mut self, p: lsp_types::CodeActionParams) -> Reply {
        let Ok((document, options, findings)) = self.linted(&p.text_document.uri) else {
            // Not ours to act on: no actions, not an error (clients ask for every buffer).
            return Ok(Value::Array(Vec::new()));
        };
        let positions = Positions::new(&document.text, self.encoding);
        let request = actions::Request {
            uri: &document.uri,
            text: &document.text,
            positions: &positions,
            range: positions.span(p.range),
            only: p.context.only.as_deref(),
        };
        to_value(actions::code_actions(
            &request, &findings, &options, &self.docs,
        ))
    }

    fn hover(&mut self, p: lsp_types::HoverParams) -> Reply {
        let at = p.text_document_position_params;
        let Ok((document, options, findings)) = self.linted(&at.text_document.uri) else {
            return Ok(Value::Null);
        };
        let positions = Positions::new(&document.text, self.encoding);
        let offset = positions.offset(at.position);
        to_value(super::hover::hover(
            &document.text,
            &positions,
            offset,
            &findings,
            &options,
        ))
    }

    fn execute_command(&mut self, p: lsp_types::ExecuteCommandParams) -> Reply {
        match p.command.as_str() {
            FIX_ALL_COMMAND => {
                // The document's URI, as a string or as `{ "uri": … }`.
                let uri = p
                    .arguments
                    .first()
                    .and_then(|arg| {
                        arg.as_str()
                            .or_else(|| arg.get("uri").and_then(Value::as_str))
                    })
                    .and_then(|text| Url::parse(text).ok())
                    .ok_or((
                        ErrorCode::InvalidParams,
                        format!("{FIX_ALL_COMMAND} takes the document's URI"),
                    ))?;
                let (document, options, _) = self.linted(&uri)?;
                let positions = Positions::new(&document.text, self.encoding);
                if let Some(edit) =
                    actions::fix_all_edit(&uri, &document.text, &positions, &options)
                {
                    let params = lsp_types::ApplyWorkspaceEditParams {
                        label: Some("layerlint: apply every safe fix".into()),
                        edit,
                    };
                    self.send_request(
                        req::ApplyWorkspaceEdit::METHOD,
                        serde_json::to_value(params).unwrap_or_default(),
                    );
                }
                Ok(Value::Null)
            }
            "layerlint.panicForTest" if std::env::var_os(PANIC_TEST_VARIABLE).is_some() => {
                panic!("a panic asked for by {PANIC_TEST_VARIABLE}")
            }
            other => Err((
                ErrorCode::InvalidParams,
                format!("layerlint has no command {other:?}"),
            )),
        }
    }
}

/// A configuration, ignore, compose or bake file: saving one changes the findings of open
/// documents.
fn is_side_file(name: &str) -> bool {
    matches!(
        name,
        ".layerlint.yaml" | ".layerlint.yml" | ".hadolint.yaml" | ".hadolint.yml" | ".dockerignore"
    ) || name.ends_with(".dockerignore")
        || crate::project::builds::is_build_file(name)
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value)
        .map_err(|err| (ErrorCode::InvalidParams, format!("invalid params: {err}")))
}

fn to_value(value: impl serde::Serialize) -> Reply {
    serde_json::to_value(value).map_err(|err| (ErrorCode::InternalError, err.to_string()))
}
