//! DL4005 ln-bin-sh: `ln` replacing `/bin/sh` to change the shell.

use super::with_triggers;
use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword, shell};

pub struct LnBinSh;

impl Rule for LnBinSh {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in with_triggers(cx.dockerfile) {
            if instruction.keyword != Keyword::Run {
                continue;
            }
            let links_sh = match &instruction.args {
                Args::Text(word) if !may_name_bin_sh(&word.text) => false,
                Args::Text(word) => {
                    let script = shell::split(&word.text);
                    script.simple_commands().any(|command| {
                        command.is("ln")
                            && command
                                .args()
                                .iter()
                                .any(|a| command.literal(a).as_deref() == Some("/bin/sh"))
                    })
                }
                Args::Json(words) => {
                    words.first().is_some_and(|w| w.text == "ln")
                        && words.iter().any(|w| w.text == "/bin/sh")
                }
                _ => false,
            };
            if links_sh {
                cx.report(
                    instruction.span,
                    "this RUN relinks /bin/sh to change the shell, for every later RUN and for \
                     whatever in the image runs `sh`; use the SHELL instruction instead",
                );
            }
        }
    }
}

/// Whether some word of `text` may read as `/bin/sh`, checked without splitting the script (most
/// `RUN`s never mention it, and splitting every one again was a fiftieth of a large file's lint).
/// A word's literal value is its text less the quotes, backslashes and escaped line breaks the
/// shell removes, and words are runs of the text: so a word reads `/bin/sh` only if the text,
/// with every such character dropped, holds `/bin/sh`.
fn may_name_bin_sh(text: &str) -> bool {
    let dropped = |c: char| matches!(c, '\'' | '"' | '\\' | '\n' | '\r');
    // Most scripts have none of those characters: nothing to drop, no copy to make.
    if !text.contains(dropped) {
        return text.contains("/bin/sh");
    }
    let kept: String = text.chars().filter(|&c| !dropped(c)).collect();
    kept.contains("/bin/sh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_continuations_do_not_hide_bin_sh() {
        for text in [
            "ln -sf /bin/bash /bin/sh",
            "ln -sf /bin/bash '/bin/sh'",
            "ln -sf /bin/bash /bin/s\"h\"",
            "ln -sf /bin/bash /bin/\\sh",
            "ln -sf /bin/bash /bin/\\\nsh",
        ] {
            assert!(may_name_bin_sh(text), "{text}");
        }
        assert!(!may_name_bin_sh("ln -sf /bin/bash /usr/bin/bash"));
        assert!(!may_name_bin_sh("apt-get install -y sh"));
    }
}
