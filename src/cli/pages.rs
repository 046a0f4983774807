//! Memory pages: small for a run over many files, huge for one large file.
//!
//! The allocator (mimalloc, see `main.rs`) asks the kernel for transparent huge pages. One large
//! file gains from them: a 2 MiB page is one fault instead of 512, and clearing pages for the
//! kernel was a third of the time of a 16,000-instruction file; without them it took about a
//! fifth longer. Many small files lose: each linting thread's heap touches a few kilobytes of
//! many 2 MiB pages, and all of each page stays resident. Over the whole corpus in one run that
//! was about 60 MB at the peak with huge pages and about 40 MB without (README, "Speed"). So a
//! run starts with small pages, before its first allocation, and a check of a single file turns
//! huge pages back on for the memory it maps from then on.

/// New memory in small pages: called first thing, since memory already mapped keeps its pages.
pub fn start_small() {
    set_huge_pages_disabled(true);
}

/// New memory in huge pages where the allocator asks for them: for a run that lints one file.
pub fn allow_huge() {
    set_huge_pages_disabled(false);
}

fn set_huge_pages_disabled(disabled: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flag; a
    // kernel without it returns an error, which leaves things as they were.
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            libc::c_ulong::from(disabled),
            0,
            0,
            0,
        );
    }
    #[cfg(not(target_os = "linux"))]
    let _ = disabled;
}
