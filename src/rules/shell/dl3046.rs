//! DL3046 useradd-high-uid: `useradd -u <uid>` with a UID of six digits or more and without
//! `-l` (`--no-log-init`). useradd then writes the user's entry into `/var/log/lastlog` and
//! `faillog`, sparse files indexed by UID: the layer stores them at full size, gigabytes for a
//! large UID.
//!
//! The fix adds `-l` after `useradd`. Unsafe: the account is the same, but the image then has no
//! lastlog/faillog entry for the user (which is the point, and what a reader should agree to).

use super::super::packages::{fix, insert_after};
use crate::diagnostic::Applicability;
use crate::rules::runs::Spec;
use crate::rules::{Context, Rule};

pub struct UseraddHighUid;

const USERADD: Spec = Spec {
    short_values: "bcdefgGkKpRPsuU",
    long_values: &[
        "--base-dir",
        "--comment",
        "--home-dir",
        "--expiredate",
        "--inactive",
        "--gid",
        "--groups",
        "--skel",
        "--key",
        "--password",
        "--root",
        "--prefix",
        "--shell",
        "--uid",
        "--selinux-user",
    ],
    whole: &[],
    stop_at_double_dash: false,
};

impl Rule for UseraddHighUid {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            for cmd in cx.commands(run).iter() {
                if !cmd.is("useradd") {
                    continue;
                }
                let parsed = cmd.parse(&USERADD);
                if parsed.has(&["-l", "--no-log-init"]) {
                    continue;
                }
                // A UID from a variable counts by its value (`ARG USER_UID=1000`); an unknown one does not.
                let high = parsed.values(&["-u", "--uid"]).any(|uid| {
                    let uid = if uid.contains('$') {
                        run.vars.expand(uid, '\\').unwrap_or_default()
                    } else {
                        uid.to_string()
                    };
                    let uid = uid.trim_matches(['"', '\'']);
                    uid.len() > 5 && uid.chars().all(|c| c.is_ascii_digit())
                });
                if high {
                    let edit = insert_after(run, &cmd.name_word, "-l");
                    cx.report(
                        run.file_span(cmd.span),
                        "`useradd` with a high UID and without `-l` (`--no-log-init`) fills the layer with a huge lastlog/faillog",
                    )
                    .fix = Some(fix("Add `-l`", Applicability::Unsafe, edit));
                }
            }
        }
    }
}
