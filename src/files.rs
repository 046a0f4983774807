//! Finding and reading Dockerfiles (in progress).
