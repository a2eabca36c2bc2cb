//! `deflate`: a compression codec. Compresses the JSON document and the README with DEFLATE
//! (miniz_oxide, level 6, as zlib's default) and decompresses them again, checking the round
//! trip: large buffers that grow as the output does.

use crate::inputs::{METADATA, README};

pub fn run() -> u64 {
    let mut total = 0;
    for text in [METADATA, README] {
        let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 6);
        let unpacked = miniz_oxide::inflate::decompress_to_vec(&packed).expect("a valid stream");
        assert_eq!(unpacked, text.as_bytes(), "DEFLATE round trip");
        total += packed.len() as u64;
    }
    total
}
