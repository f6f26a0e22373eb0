//! The index store: a root folder holding index generations (`gen-000001/`, …) and a `CURRENT`
//! file naming the live one. A new generation is built beside the live one and swapped in by
//! atomically renaming a new `CURRENT` over the old; the previous generation is kept (named in
//! `PREVIOUS`) for [`IndexStore::rollback`]. A crash mid-build leaves `CURRENT` untouched, and
//! the half-built folder is removed when the store is next opened (or by the next build). A
//! build holds an exclusive lock on `BUILD.lock` so that another process opening the store
//! never removes a generation still being built.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Instant;

use crawler::Record;
use vietnamese::restore::Restorer;

use crate::build::{create_index, write_records};
use crate::error::{Error, Result};
use crate::hitfile::{HITS_FILE, HitWriter};
use crate::search::SearchIndex;

const CURRENT: &str = "CURRENT";
const PREVIOUS: &str = "PREVIOUS";
const PREFIX: &str = "gen-";
/// Written last inside a generation folder: the generation is complete.
const COMPLETE: &str = "COMPLETE";
/// Locked (exclusively) by the process building a generation.
const BUILD_LOCK: &str = "BUILD.lock";
/// The number of the last generation a build started, so that a name is never reused even
/// after its half-built folder was removed.
const LAST: &str = "LAST";

/// What a build produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildStats {
    /// The new live generation (`gen-000004`).
    pub generation: String,
    /// Records read (duplicates by id included).
    pub records: usize,
    /// Documents in the new generation (duplicates replaced by the last record).
    pub documents: u64,
    /// Wall time of the build, in milliseconds.
    pub elapsed_ms: u64,
}

/// The result of a rollback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollback {
    /// The generation that is live again.
    pub live: String,
    /// The generation that was live before the rollback (kept until the next build).
    pub replaced: String,
}

/// A root folder of index generations. Share it behind an `Arc`: every method takes `&self`;
/// builds are serialised, searches never wait for a build.
#[derive(Debug)]
pub struct IndexStore {
    root: PathBuf,
    live: RwLock<Option<SearchIndex>>,
    building: Mutex<()>,
}

impl IndexStore {
    /// Opens (creating if needed) a store at `root` and opens its live generation, if any.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
        let store = Self {
            root,
            live: RwLock::new(None),
            building: Mutex::new(()),
        };
        store.remove_leftovers()?;
        store.reload()?;
        Ok(store)
    }

    /// Removes generations a killed build left behind (half-built, or replaced but not yet
    /// deleted), unless another process is building right now.
    fn remove_leftovers(&self) -> Result<()> {
        let Some(_lock) = self.try_build_lock()? else {
            return Ok(());
        };
        let live = self.read_pointer(CURRENT)?;
        let previous = self.read_pointer(PREVIOUS)?;
        for (_, name) in self.generations()? {
            if Some(name.as_str()) == live.as_deref() || Some(name.as_str()) == previous.as_deref()
            {
                continue;
            }
            let dir = self.root.join(&name);
            tracing::info!(path = %dir.display(), "removing an index generation left by an interrupted build");
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                tracing::warn!(path = %dir.display(), error = %e, "could not remove old generation");
            }
        }
        remove_if_exists(&self.root.join(format!("{CURRENT}.tmp")))?;
        remove_if_exists(&self.root.join(format!("{PREVIOUS}.tmp")))?;
        Ok(())
    }

    /// The build lock, or `None` when another process holds it.
    fn try_build_lock(&self) -> Result<Option<std::fs::File>> {
        let path = self.root.join(BUILD_LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }

    /// Waits for the build lock (another process may be building).
    fn build_lock(&self) -> Result<std::fs::File> {
        let path = self.root.join(BUILD_LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(file)
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Re-reads `CURRENT` from disk (after another process swapped generations).
    pub fn reload(&self) -> Result<()> {
        let index = match self.read_pointer(CURRENT)? {
            Some(name) => Some(SearchIndex::open(&self.generation_dir(&name)?)?),
            None => None,
        };
        *self.live.write().unwrap_or_else(PoisonError::into_inner) = index;
        Ok(())
    }

    /// The live generation, if one was built.
    pub fn current(&self) -> Result<Option<SearchIndex>> {
        Ok(self
            .live
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone())
    }

    /// True when there is no live generation or it holds no document.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.current()?.is_none_or(|index| index.num_docs() == 0))
    }

    /// The name of the live generation.
    pub fn current_generation(&self) -> Result<Option<String>> {
        self.read_pointer(CURRENT)
    }

    /// The name of the generation a rollback would return to.
    pub fn previous_generation(&self) -> Result<Option<String>> {
        self.read_pointer(PREVIOUS)
    }

    /// Builds a new generation from `records` beside the live one, then swaps it in.
    pub fn build_generation(
        &self,
        records: impl IntoIterator<Item = Record>,
    ) -> Result<BuildStats> {
        self.build_generation_with_progress(records, &mut |_| {})
    }

    /// Like [`IndexStore::build_generation`], calling `progress` with the running record count.
    pub fn build_generation_with_progress(
        &self,
        records: impl IntoIterator<Item = Record>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<BuildStats> {
        let _guard = self.building.lock().unwrap_or_else(PoisonError::into_inner);
        let _lock = self.build_lock()?;
        let started = Instant::now();
        let live = self.read_pointer(CURRENT)?;
        // Numbers only grow, even past half-built folders, so a name is never reused.
        let number = self.highest_number()? + 1;
        let name = format!("{PREFIX}{number:06}");
        write_file_synced(&self.root.join(LAST), number.to_string().as_bytes())?;
        self.remove_unreferenced(live.as_deref(), self.read_pointer(PREVIOUS)?.as_deref())?;

        let dir = self.root.join(&name);
        let (records_read, restorer) = match build_into(&dir, &name, records, progress) {
            Ok(built) => built,
            Err(e) => {
                // A failed build (a full disk, say) leaves nothing behind; the live generation
                // was never touched.
                if let Err(rm) = std::fs::remove_dir_all(&dir) {
                    tracing::warn!(path = %dir.display(), error = %rm, "could not remove a failed generation");
                }
                return Err(e);
            }
        };

        let opened = SearchIndex::open_built(&dir, restorer)?;
        let documents = opened.num_docs();
        match &live {
            Some(previous) => self.write_pointer(PREVIOUS, previous)?,
            None => remove_if_exists(&self.root.join(PREVIOUS))?,
        }
        self.write_pointer(CURRENT, &name)?;
        *self.live.write().unwrap_or_else(PoisonError::into_inner) = Some(opened);
        self.remove_unreferenced(Some(&name), live.as_deref())?;
        tracing::info!(generation = %name, documents, "index generation swapped in");
        Ok(BuildStats {
            generation: name,
            records: records_read,
            documents,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Makes the previous generation live again. The replaced generation stays on disk until
    /// the next build; a second rollback without a build in between fails.
    pub fn rollback(&self) -> Result<Rollback> {
        let _guard = self.building.lock().unwrap_or_else(PoisonError::into_inner);
        let _lock = self.build_lock()?;
        let previous = self
            .read_pointer(PREVIOUS)?
            .ok_or(Error::NoPreviousGeneration)?;
        let current = self
            .read_pointer(CURRENT)?
            .ok_or(Error::NoPreviousGeneration)?;
        let opened = SearchIndex::open(&self.generation_dir(&previous)?)?;
        self.write_pointer(CURRENT, &previous)?;
        remove_if_exists(&self.root.join(PREVIOUS))?;
        *self.live.write().unwrap_or_else(PoisonError::into_inner) = Some(opened);
        tracing::info!(generation = %previous, replaced = %current, "index generation rolled back");
        Ok(Rollback {
            live: previous,
            replaced: current,
        })
    }

    fn generation_dir(&self, name: &str) -> Result<PathBuf> {
        let valid = name
            .strip_prefix(PREFIX)
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        let dir = self.root.join(name);
        if !valid || !dir.join(COMPLETE).is_file() {
            return Err(Error::CorruptStore {
                root: self.root.clone(),
                message: format!("pointer names {name:?}, which is not a complete generation"),
            });
        }
        Ok(dir)
    }

    fn read_pointer(&self, file: &str) -> Result<Option<String>> {
        let path = self.root.join(file);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let name = text.trim();
                Ok((!name.is_empty()).then(|| name.to_owned()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Replaces a pointer file atomically (write a temporary file, sync, rename over).
    fn write_pointer(&self, file: &str, name: &str) -> Result<()> {
        let tmp = self.root.join(format!("{file}.tmp"));
        write_file_synced(&tmp, format!("{name}\n").as_bytes())?;
        let path = self.root.join(file);
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        if let Ok(dir) = std::fs::File::open(&self.root) {
            // Make the rename durable; not all platforms allow syncing a folder.
            let _ = dir.sync_all();
        }
        Ok(())
    }

    fn generations(&self) -> Result<Vec<(u64, String)>> {
        let mut out = Vec::new();
        let entries = std::fs::read_dir(&self.root).map_err(|e| Error::io(&self.root, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&self.root, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(number) = name.strip_prefix(PREFIX).and_then(|n| n.parse().ok()) {
                out.push((number, name));
            }
        }
        Ok(out)
    }

    /// The highest generation number ever started here (folders on disk, or `LAST`).
    fn highest_number(&self) -> Result<u64> {
        let last = self
            .read_pointer(LAST)?
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Ok(self
            .generations()?
            .into_iter()
            .map(|(n, _)| n)
            .max()
            .unwrap_or(0)
            .max(last))
    }

    /// Deletes every generation folder except the named ones (half-built ones included).
    fn remove_unreferenced(&self, keep: Option<&str>, keep_too: Option<&str>) -> Result<()> {
        for (_, name) in self.generations()? {
            if Some(name.as_str()) == keep || Some(name.as_str()) == keep_too {
                continue;
            }
            let dir = self.root.join(&name);
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                tracing::warn!(path = %dir.display(), error = %e, "could not remove old generation");
            }
        }
        Ok(())
    }
}

/// Writes a complete generation into `dir`: the index and its shown-hit side file, its
/// restorer, then the `COMPLETE` mark.
fn build_into(
    dir: &Path,
    name: &str,
    records: impl IntoIterator<Item = Record>,
    progress: &mut dyn FnMut(usize),
) -> Result<(usize, Restorer)> {
    let (index, fields) = create_index(Some(dir))?;
    let path = dir.join(HITS_FILE);
    let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
    let mut hits = HitWriter::new(std::io::BufWriter::new(file), path.clone())?;
    let records_read = write_records(&index, &fields, records, &mut hits, progress)?;
    hits.finish()?
        .into_inner()
        .map_err(|e| Error::io(&path, e.into_error()))?
        .sync_all()
        .map_err(|e| Error::io(&path, e))?;
    // The restorer is learnt once, here, and kept with the generation (see `reading`).
    let restorer = crate::reading::learn(&index.reader()?.searcher(), &fields)?;
    crate::reading::save(dir, &restorer)?;
    drop(index);
    write_file_synced(&dir.join(COMPLETE), name.as_bytes())?;
    Ok((records_read, restorer))
}

fn write_file_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.sync_all().map_err(|e| Error::io(path, e))
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}
