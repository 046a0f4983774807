//! DL3033 yum-version-unpinned: `yum install` of a package without `-<version>` (see
//! [`rpm_pinned`](super::rpm_pinned)), or `yum module install` of a module without `:<stream>`.

use super::{Pins, rpm_packages, rpm_pinned};
use crate::rules::{Context, Rule};

pub struct YumVersionUnpinned;

impl Rule for YumVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for modules in [false, true] {
            Pins {
                packages: &|cmd| {
                    rpm_packages(cmd, &["yum"])
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
