/work/main/bench/baseline/target/release/deps/csv_baseline-5b324fec20fb8051.d: src/main.rs

/work/main/bench/baseline/target/release/deps/csv_baseline-5b324fec20fb8051: src/main.rs

src/main.rs:
