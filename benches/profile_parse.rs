fn main() {
    let root = std::path::Path::new("/work/shared/corpus");
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p)
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                files.push(t)
            }
        }
    }
    for _ in 0..5 {
        for f in &files {
            std::hint::black_box(layerlint::syntax::parse(f));
        }
    }
}
