//! hadolint's rules about other commands of `RUN` scripts: commands that make no sense in a
//! build (DL3001), `cd` (DL3003), `sudo` (DL3004), archives copied then extracted (DL3010),
//! `useradd` with a high UID (DL3046), `wget` progress output (DL3047), wget and curl in one
//! stage (DL4001), and pipes without `pipefail` (DL4006).
//!
//! Like the package rules they read every `RUN`, fragments and `ONBUILD RUN` included (see
//! [`runs`](super::runs)).

pub mod dl3001;
pub mod dl3003;
pub mod dl3004;
pub mod dl3010;
pub mod dl3046;
pub mod dl3047;
pub mod dl4001;
pub mod dl4006;
