//! DL3041 dnf-version-unpinned: `dnf install` (or `microdnf install`) of a package without
//! `-<version>` (see [`rpm_pinned`](super::rpm_pinned)), or `dnf module install` of a module
//! without `:<stream>`.

use super::check_rpm_pins;
use crate::rules::{Context, Rule};

pub struct DnfVersionUnpinned;

impl Rule for DnfVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_rpm_pins(cx, &["dnf", "microdnf"]);
    }
}
