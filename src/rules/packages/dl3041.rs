//! DL3041 dnf-version-unpinned: `dnf install` (or `microdnf install`) of a package without `-<version>` (see
//! [`rpm_pinned`](super::rpm_pinned)), or `dnf module install` of a module without `:<stream>`.

use super::{Pins, rpm_packages, rpm_pinned};
use crate::rules::{Context, Rule};

pub struct DnfVersionUnpinned;

impl Rule for DnfVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for modules in [false, true] {
            Pins {
                packages: &|cmd| {
                    rpm_packages(cmd, &["dnf", "microdnf"])
                        .filter(|(_, module)| *module == modules)
                        .map(|(words, _)| words)
                },
                pinned: if modules {
                    &|p| p.contains(':')
                } else {
                    &rpm_pinned
                },
                command: &move |cmd| {
                    format!(
                        "{} {}install",
                        cmd.name,
                        if modules { "module " } else { "" }
                    )
                },
                form: if modules {
                    "<module>:<stream>"
                } else {
                    "<package>-<version>"
                },
                onbuild: true,
            }
            .check(cx);
        }
    }
}
