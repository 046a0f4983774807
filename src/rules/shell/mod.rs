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

#[cfg(test)]
mod tests {
    use crate::LintOptions;
    use crate::rules::packages::finding_lines as lines;

    #[test]
    fn pipefail_follows_the_shell_of_each_stage() {
        let source = "FROM a AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
                      RUN a | b\nFROM base\nRUN a | b\nFROM c\nRUN x=$(a | b)\n";
        assert_eq!(lines(source, "DL4006"), [7]);
    }

    #[test]
    fn pipes_in_every_kind_of_substitution_count() {
        let source = "FROM a\nRUN echo x > out=`echo $P | sed s,/,_,g`\n\
                      RUN <<EOF\nset -ex\nfor f in $(git status | awk '{print $2}'); do cp $f /out; done\nEOF\n\
                      RUN echo '$(a | b)' '`c | d`' # $(e | f)\n";
        assert_eq!(lines(source, "DL4006"), [2, 5]);
        // Heredocs of the shell inside a heredoc script: a quoted one substitutes nothing.
        let quoted = "FROM a\nRUN <<SCRIPT\ncat <<'EOF' > notes.md\nrun `a | b` by hand\nEOF\n\
                      cat <<EOF > v.txt\n`git log | head -1`\nEOF\nSCRIPT\n";
        assert_eq!(lines(quoted, "DL4006"), [7]);
    }

    #[test]
    fn archives_match_by_name_across_path_styles() {
        let source = "COPY build\\foo\\bar.tar.gz \"C:\\Program Files\\Foo\"\n\
                      RUN tar -xf \"C:\\Program Files\\Foo\\bar.tar.gz\"\n";
        assert_eq!(lines(source, "DL3010"), [1]);
    }

    #[test]
    fn wget_and_curl_count_per_stage_and_in_substitutions() {
        let source = "FROM a\nRUN wget -q x\nFROM b\nRUN wget -q y\nRUN V=$(curl -fsS z)\n";
        assert_eq!(lines(source, "DL4001"), [5]);
    }

    #[test]
    fn sudo_with_options_gets_no_rewrite() {
        let findings = crate::lint_with(
            "FROM a\nRUN sudo -u app id && sudo id\n",
            &LintOptions::default(),
        );
        let fixes: Vec<bool> = findings
            .iter()
            .filter(|d| d.code == "DL3004")
            .map(|d| d.fix.is_some())
            .collect();
        assert_eq!(fixes, [false, true]);
    }
}
