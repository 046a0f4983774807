//! Running the built `layerlint` with a time bound, for the tests that feed it hostile input: a
//! hang shows as a failure naming the run, not as a test that never ends.

use std::io::Read;
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

/// What a bounded run printed, and how it ended.
pub struct Ended {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Starts `command` (whose standard output and error must be piped), reads both pipes while
/// waiting, so a long report cannot block the child, and kills it and fails the test past `bound`.
pub fn run(command: &mut Command, bound: Duration) -> Ended {
    let mut child = command.spawn().expect("start layerlint");
    let stdout = drain(&mut child, |c| c.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(&mut child, |c| c.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for layerlint") {
            break status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} ran longer than {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ended {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

type Pipe = Box<dyn Read + Send>;

fn drain(
    child: &mut Child,
    take: impl FnOnce(&mut Child) -> Option<Pipe>,
) -> std::thread::JoinHandle<Vec<u8>> {
    let mut pipe = take(child).expect("a piped output");
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}
