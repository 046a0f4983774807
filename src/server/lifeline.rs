//! The client's process, as `initialize` names it (`processId`): when it is gone, the server
//! exits, so an editor that crashed does not leave it running forever.

use std::time::Duration;

/// How often the client process is looked at.
pub const POLL: Duration = Duration::from_secs(1);

/// Whether the process `pid` still exists. Linux's `/proc` answers without any unsafe code; on
/// other systems the answer is always yes (the server then exits with its input, which the
/// client's death closes in the usual set-up).
pub fn is_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid)
    } else {
        true
    }
}

/// A process that died but was not reaped yet still has its `/proc` entry, in state `Z`.
fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name, which is in parentheses and may hold anything.
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(is_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        if cfg!(target_os = "linux") {
            assert!(!is_alive(pid));
        }
    }
}
