//! Limits on rendering. Tera cannot be interrupted: a template that loops
//! for ever (`range(end=300000000)`, nested loops), fills memory, or
//! recurses without end (a macro whose `if` never stops it) would hang the
//! build, swap the machine to a halt, or kill the process with a stack
//! overflow and no word on which template did it.
//!
//! So each render registers what it is rendering ([`rendering`]); a
//! watchdog thread stops the process with an error naming the template
//! and the page when one render takes longer than the limit, or when the
//! process's memory passes its limit ([`RenderLimits`], in `site.yaml`);
//! and a stack overflow during a render is reported the same way instead
//! of aborting. Stopping the whole process is the only safe way to stop a
//! render that cannot be interrupted; nothing is written to the output,
//! which a build replaces only at the end.

use crate::msg;
use crate::report::diagnostic::Diagnostic;
use crate::schema::config::RenderLimits;
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// One render under way.
struct Active {
    id: u64,
    template: String,
    page: Option<PathBuf>,
    started: Instant,
}

static ACTIVE: Mutex<Vec<Active>> = Mutex::new(Vec::new());
static LIMITS: Mutex<Option<RenderLimits>> = Mutex::new(None);
static WATCHDOG: OnceLock<()> = OnceLock::new();
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// The page this thread renders (set by [`page`]), named in messages.
    static PAGE: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
    /// The message for a stack overflow while this thread renders, ready
    /// to be written from the signal handler (which must not allocate).
    static OVERFLOW_NOTE: Cell<(*const u8, usize)> = const { Cell::new((std::ptr::null(), 0)) };
}

/// Sets the limits for the renders that follow (each build sets its own).
pub fn set_limits(limits: RenderLimits) {
    if let Ok(mut l) = LIMITS.lock() {
        *l = Some(limits);
    }
}

/// Marks the page rendered on this thread until the returned value is
/// dropped: the limits' messages name it.
pub fn page(file: &Path) -> PageScope {
    PAGE.with(|p| *p.borrow_mut() = Some(file.to_path_buf()));
    PageScope
}

/// See [`page`].
pub struct PageScope;

impl Drop for PageScope {
    fn drop(&mut self) {
        PAGE.with(|p| *p.borrow_mut() = None);
    }
}

/// Registers a render of `template` (shown to staff as `file`) until the
/// returned guard is dropped. `recursive` lists the macros that call
/// themselves (where to look if the render recurses without end).
pub fn rendering(template: &str, file: &Path, recursive: &[String]) -> Rendering {
    start_watchdog();
    let page = PAGE.with(|p| p.borrow().clone());
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Ok(mut active) = ACTIVE.lock() {
        active.push(Active {
            id,
            template: template.to_string(),
            page: page.clone(),
            started: Instant::now(),
        });
    }
    let file_shown = file.display().to_string();
    let message = if recursive.is_empty() {
        msg!(TEMPLATE_TOO_DEEP, name = template, file = file_shown)
    } else {
        msg!(
            TEMPLATE_TOO_DEEP_MACROS,
            name = template,
            file = file_shown,
            macros = recursive.join(", ")
        )
    };
    let note = Diagnostic::file(page.as_deref().unwrap_or(file), message);
    let note = format!("{note}\n").into_bytes().into_boxed_slice();
    OVERFLOW_NOTE.with(|n| n.set((note.as_ptr(), note.len())));
    Rendering { id, _note: note }
}

/// A render under way; see [`rendering`].
pub struct Rendering {
    id: u64,
    // Owned here, pointed to by the thread's OVERFLOW_NOTE meanwhile.
    _note: Box<[u8]>,
}

impl Drop for Rendering {
    fn drop(&mut self) {
        OVERFLOW_NOTE.with(|n| n.set((std::ptr::null(), 0)));
        if let Ok(mut active) = ACTIVE.lock() {
            active.retain(|a| a.id != self.id);
        }
    }
}

fn start_watchdog() {
    WATCHDOG.get_or_init(|| {
        overflow::install();
        let spawned = std::thread::Builder::new()
            .name("ambito-watchdog".into())
            .spawn(watch);
        // Without a watchdog the renders still run, unguarded: better than
        // refusing to build.
        drop(spawned);
    });
}

/// Checks the renders under way ten times a second.
fn watch() {
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let Some(limits) = LIMITS.lock().ok().and_then(|l| *l) else {
            continue;
        };
        let Ok(active) = ACTIVE.lock() else {
            continue;
        };
        let too_long = Duration::from_secs(limits.seconds);
        if let Some(slow) = active.iter().find(|a| a.started.elapsed() > too_long) {
            stop(&Diagnostic::file(
                slow.page.as_deref().unwrap_or(Path::new(&slow.template)),
                msg!(
                    TEMPLATE_TOO_SLOW,
                    name = &slow.template,
                    seconds = limits.seconds
                ),
            ));
        }
        let used = resident_mib();
        if let (Some(used), Some(first)) = (used, active.first()) {
            if used > limits.memory_mib {
                stop(&Diagnostic::file(
                    first.page.as_deref().unwrap_or(Path::new(&first.template)),
                    msg!(
                        TEMPLATE_TOO_BIG,
                        name = &first.template,
                        used = used,
                        limit = limits.memory_mib
                    ),
                ));
            }
        }
    }
}

/// Reports `d` and ends the process: the render cannot be interrupted.
fn stop(d: &Diagnostic) -> ! {
    eprintln!("{d}");
    std::process::exit(1)
}

/// The process's resident memory in MiB (Linux; elsewhere unknown).
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let page_size = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).ok()?;
    Some(pages * page_size / (1024 * 1024))
}

/// A stack overflow during a render is reported at the template instead
/// of aborting with Rust's generic message. The standard library gives
/// every thread it starts an alternate signal stack (for its own overflow
/// report), so a handler can run after the thread's stack is exhausted.
#[cfg(unix)]
mod overflow {
    use super::OVERFLOW_NOTE;
    use std::sync::OnceLock;

    /// The handler that was there before (the standard library's).
    static PREVIOUS: OnceLock<[libc::sigaction; 2]> = OnceLock::new();

    pub(super) fn install() {
        // SAFETY: sigaction with a zeroed, then filled, struct; the
        // handler only reads a thread-local Cell and calls
        // async-signal-safe functions (write, _exit, sigaction).
        unsafe {
            let mut new: libc::sigaction = std::mem::zeroed();
            new.sa_sigaction = handler as *const () as libc::sighandler_t;
            new.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut new.sa_mask);
            let mut old: [libc::sigaction; 2] = std::mem::zeroed();
            libc::sigaction(libc::SIGSEGV, &new, &mut old[0]);
            libc::sigaction(libc::SIGBUS, &new, &mut old[1]);
            let _ = PREVIOUS.set(old);
        }
    }

    extern "C" fn handler(signal: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
        let (ptr, len) = OVERFLOW_NOTE.with(std::cell::Cell::get);
        if !ptr.is_null() {
            // SAFETY: ptr/len point to the message owned by the live
            // Rendering guard of this thread.
            unsafe {
                libc::write(2, ptr.cast(), len);
                libc::_exit(1);
            }
        }
        // Not in a render: put the previous handler back; returning
        // re-runs the faulting instruction, which reaches it.
        if let Some(old) = PREVIOUS.get() {
            let previous = if signal == libc::SIGBUS {
                &old[1]
            } else {
                &old[0]
            };
            // SAFETY: restoring an action the kernel gave us.
            unsafe {
                libc::sigaction(signal, previous, std::ptr::null_mut());
            }
        }
    }
}

#[cfg(not(unix))]
mod overflow {
    pub(super) fn install() {}
}
