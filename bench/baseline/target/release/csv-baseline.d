/work/main/bench/baseline/target/release/csv-baseline: /work/main/bench/baseline/src/main.rs
