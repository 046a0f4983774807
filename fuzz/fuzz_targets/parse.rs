//! Fuzz the parser and the shell splitter: any text must parse without panicking into a tree
//! whose items tile the input, and every RUN script must split without panicking.

#![no_main]

use layerlint::syntax;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let dockerfile = syntax::parse(source);
    let mut at = 0;
    for item in &dockerfile.items {
        let span = item.span();
        assert_eq!(span.start, at, "items must tile the input");
        at = span.end;
    }
    assert_eq!(at as usize, source.len(), "items must cover the input");
    let _ = syntax::dump::dump(&dockerfile);
    for instruction in dockerfile.instructions() {
        assert!(instruction.lines.contains(instruction.span));
    }
    for run in syntax::script::run_scripts(&dockerfile) {
        let Some(script) = &run.script else { continue };
        for command in script.simple_commands() {
            assert!(run.instruction.lines.contains(run.file_span(command.command.span)));
        }
    }
    let _ = layerlint::lint(source);
});
