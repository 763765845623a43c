/work/main/bench/baseline/target/release/deps/csv_core-d6c3874267d89d48.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/reader.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/writer.rs

/work/main/bench/baseline/target/release/deps/libcsv_core-d6c3874267d89d48.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/reader.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/writer.rs

/work/main/bench/baseline/target/release/deps/libcsv_core-d6c3874267d89d48.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/reader.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/writer.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/lib.rs:
/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/reader.rs:
/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/csv-core-0.1.13/src/writer.rs:
