//! Why a file was left as it was: the engine never hands back a half-fixed or broken file.

use std::collections::BTreeSet;
use std::fmt;

/// The reason fixing gave up and returned the original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixRefusal {
    /// Docker would refuse the input (LL001): a syntax error, or a build-time refusal such as
    /// `COPY --from=$VAR`. Fixes are computed from a parse tree, and a tree with holes in it could
    /// make a rewrite that looks right drop or duplicate what the parser skipped; and a fix to a
    /// file that cannot be built cannot be shown to keep its build.
    Unparsable,
    /// A round of these rules' fixes produced a syntax error the input did not have.
    BrokeSyntax { codes: BTreeSet<&'static str> },
    /// The fixes kept changing the file after the last allowed round: some of them undo others.
    Unsettled {
        rounds: usize,
        codes: BTreeSet<&'static str>,
    },
}

impl FixRefusal {
    /// The rules whose fixes were being applied when fixing gave up (none for an unparsable input).
    pub fn codes(&self) -> Vec<&'static str> {
        match self {
            FixRefusal::Unparsable => Vec::new(),
            FixRefusal::BrokeSyntax { codes } | FixRefusal::Unsettled { codes, .. } => {
                codes.iter().copied().collect()
            }
        }
    }
}

impl fmt::Display for FixRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes = self.codes().join(", ");
        match self {
            FixRefusal::Unparsable => {
                write!(
                    f,
                    "Docker would refuse it (LL001), and a file Docker refuses is never rewritten"
                )
            }
            // Both are bugs in a rule's fix, not in the user's file: say so, and whose.
            FixRefusal::BrokeSyntax { .. } => write!(
                f,
                "the fixes of {codes} would have introduced a syntax error (a layerlint bug; please report it)"
            ),
            FixRefusal::Unsettled { rounds, .. } => write!(
                f,
                "the fixes of {codes} were still changing it after {rounds} rounds (a layerlint bug; please report it)"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_rules_involved() {
        let codes: BTreeSet<_> = ["LL302", "DL3059"].into_iter().collect();
        let broke = FixRefusal::BrokeSyntax {
            codes: codes.clone(),
        };
        assert!(
            broke
                .to_string()
                .starts_with("the fixes of DL3059, LL302 would")
        );
        let unsettled = FixRefusal::Unsettled { rounds: 10, codes };
        assert!(unsettled.to_string().contains("after 10 rounds"));
        assert!(FixRefusal::Unparsable.codes().is_empty());
    }
}
