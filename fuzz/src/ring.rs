//! The ring segment opener against a hostile or corrupt shared-memory file: the fuzz input
//! becomes the file (raw, or as byte patches over a valid segment so the fuzzer gets past the
//! magic), then readers open it and read, and a restarting writer opens it with `Fail`.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use paradex_ring::{
    Bbo, BookLevel, OnIncompatible, Read, Reader, ReaderOptions, RingConfig, StartAt, Writer,
    inspect,
};

const CAPACITY: u64 = 8;

/// The bytes of a closed, valid `Bbo` segment with 3 records and a symbol.
/// Also the raw seed of the smoke runner.
pub(crate) fn template_bytes() -> &'static [u8] {
    static TEMPLATE: OnceLock<Vec<u8>> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = scratch_dir();
        let config =
            RingConfig::new(format!("template.{}", std::process::id()), CAPACITY).in_dir(&dir);
        {
            let mut writer = Writer::<Bbo>::create(&config).expect("template segment");
            writer.set_symbol(0, "BTC-USD-PERP").expect("symbol");
            for i in 0..3 {
                writer.publish(&Bbo {
                    bid_px: i,
                    ..Bbo::default()
                });
            }
        }
        let bytes = std::fs::read(config.path()).expect("read template");
        std::fs::remove_file(config.path()).expect("remove template");
        bytes
    })
}

/// `/dev/shm` when present (where segments live), else the temp dir.
fn scratch_dir() -> PathBuf {
    let shm = PathBuf::from(paradex_ring::DEFAULT_DIR);
    if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    }
}

/// How to open the file, from the input's first byte.
#[derive(Clone, Copy, Default)]
struct Mode {
    /// Open it as a `BookLevel` ring (a layout mismatch for the template) instead of `Bbo`.
    as_book: bool,
    /// Also open a registered reader (it writes its slot into the file).
    register: bool,
    /// Also let a restarting writer try to reuse the file.
    writer: bool,
}

/// The file the input describes. First byte: bit 0 chooses raw bytes (the rest of the input)
/// or patches over the template (3-byte items: little-endian `u16` offset, byte to XOR in);
/// bit 1 additionally truncates the result to the next `u16`; bits 2–4 are the [`Mode`]
/// (each extra open costs a mapping, so they are opt-in per input).
fn file_bytes(data: &[u8]) -> (Vec<u8>, Mode) {
    let Some((&first, rest)) = data.split_first() else {
        return (Vec::new(), Mode::default());
    };
    let mode = Mode {
        as_book: first & 4 != 0,
        register: first & 8 != 0,
        writer: first & 16 != 0,
    };
    if first & 1 == 0 {
        return (rest.to_vec(), mode);
    }
    let mut bytes = template_bytes().to_vec();
    let mut patches = rest;
    if first & 2 != 0 && patches.len() >= 2 {
        let len = usize::from(u16::from_le_bytes([patches[0], patches[1]]));
        bytes.truncate(len);
        patches = &patches[2..];
    }
    for item in patches.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([item[0], item[1]]));
        if let Some(byte) = bytes.get_mut(at) {
            *byte ^= item[2];
        }
    }
    (bytes, mode)
}

/// Writes the input as a segment file, opens it as a reader (and a registered one) and reads
/// it out, inspects it, and (per mode) lets a writer with `OnIncompatible::Fail` reuse it.
pub fn ring_open(data: &[u8]) {
    let (bytes, mode) = file_bytes(data);
    let name = format!("paradex.fuzz.{}.seg", std::process::id());
    let config = RingConfig {
        on_incompatible: OnIncompatible::Fail,
        ..RingConfig::new(name, CAPACITY).in_dir(scratch_dir())
    };
    let path = config.path();
    std::fs::write(&path, &bytes).expect("write the fuzz segment");
    if mode.as_book {
        read_all::<BookLevel>(&path, mode.register);
    } else {
        read_all::<Bbo>(&path, mode.register);
    }
    if let Ok(info) = inspect(&path) {
        std::hint::black_box(info);
    }
    if mode.writer
        && let Ok(mut writer) = Writer::<Bbo>::create(&config)
    {
        writer.publish(&Bbo::default());
    }
    let _ = std::fs::remove_file(&path);
}

fn read_all<R: paradex_ring::ShmRecord>(path: &std::path::Path, also_registered: bool) {
    for register in [false, true]
        .into_iter()
        .take(1 + usize::from(also_registered))
    {
        let options = ReaderOptions {
            start: StartAt::Oldest,
            register,
        };
        let Ok(mut reader) = Reader::<R>::open_with(path, options) else {
            continue;
        };
        for _ in 0..2 * CAPACITY + 2 {
            if let Read::Empty = reader.try_read() {
                break;
            }
        }
        std::hint::black_box(reader.writer_status(Duration::from_secs(1)));
        std::hint::black_box(reader.writer_restarted());
        std::hint::black_box(reader.readers());
        for market in 0..3 {
            std::hint::black_box(reader.symbol(market).ok());
            std::hint::black_box(reader.book_valid(market).ok());
        }
        std::hint::black_box((reader.behind(), reader.lost(), reader.capacity()));
    }
}
