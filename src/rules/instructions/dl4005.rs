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
