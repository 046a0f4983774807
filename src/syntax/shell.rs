//! The shell splitter for RUN scripts (in progress).
