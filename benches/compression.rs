//! Bytes saved against CPU spent per response, for the choice in `src/encoding.rs`: the full
//! golden entity (JSON and XML) under gzip at several levels, and brotli (not shipped: its
//! encoder adds 1.2 MB to the binary) for comparison. The sizes are printed once; criterion
//! times each.
//!
//! `cargo bench --bench compression`

use std::io::Write;

use chat_pickup::http::encoding::Coding;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// A coding's name, its compressor by level, and the levels measured.
type Coder<'a> = (&'a str, &'a dyn Fn(u32) -> Vec<u8>, [u32; 3]);

fn brotli(body: &[u8], quality: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        writer.write_all(body).unwrap();
    }
    out
}

fn compression(c: &mut Criterion) {
    let mut group = c.benchmark_group("compression");
    for format in ["json", "xml"] {
        let path = format!(
            "{}/tests/golden/session.{format}",
            env!("CARGO_MANIFEST_DIR")
        );
        let body = std::fs::read(path).unwrap();
        let gzip = |level: u32| Coding::Gzip.compress(&body, level);
        let brotli = |level: u32| brotli(&body, level);
        let codings: [Coder; 2] = [("gzip", &gzip, [1, 6, 9]), ("br", &brotli, [1, 5, 11])];
        for (name, compress, levels) in codings {
            for level in levels {
                let size = compress(level).len();
                println!(
                    "{format} {name} level {level}: {} -> {size} bytes ({:.1}%)",
                    body.len(),
                    100.0 * size as f64 / body.len() as f64
                );
                let id = BenchmarkId::new(format!("{format}-{name}"), level);
                group.bench_function(id, |b| b.iter(|| compress(level)));
            }
        }
    }
    group.finish();
}

criterion_group!(benches, compression);
criterion_main!(benches);
