//! DL3033 yum-version-unpinned: `yum install` of a package without `-<version>` (see
//! [`rpm_pinned`](super::rpm_pinned)), or `yum module install` of a module without `:<stream>`.

use super::check_rpm_pins;
use crate::rules::{Context, Rule};

pub struct YumVersionUnpinned;

impl Rule for YumVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_rpm_pins(cx, &["yum"]);
    }
}
