//! The loop's state and its turn: wait for the next thing to happen, hand it to `update`, run the
//! effects it asks for in the order asked, then draw once for everything that came in together.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::Event;
use futures::Stream;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::jump::ClockJump;
use super::tasks::{Refresher, Streamer};
use super::{Runtime, Stats, cache, input, stats, watcher};
use crate::config::Config;
use crate::msg::{Effect, Msg};
use crate::state::{State, update};

/// Data (ticks above all) is drawn at most this often; keys and resizes draw at once.
pub const FRAME: Duration = Duration::from_millis(100);

/// What woke the loop.
pub(super) enum Wake {
    Msg(Msg),
    /// A frame owed to data is due.
    Draw,
    /// The cache is due to be written.
    Save,
    /// An input event the app has no use for.
    Nothing,
}

/// Whether the loop goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    Go,
    Quit,
}

/// What one turn owes the screen: user input is drawn at once, data at most once a frame.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Owed {
    pub now: bool,
    pub data: bool,
}

pub(super) struct Loop<'t, B: Backend, E, F> {
    pub terminal: &'t mut Terminal<B>,
    pub make_events: F,
    /// `None` while the editor has the terminal.
    pub events: Option<E>,
    pub input_open: bool,
    pub state: State,
    pub rt: Runtime,
    pub meter: stats::Meter,
    pub saver: Option<cache::Saver>,
    /// Bumped by `r` and by a clock jump: the refresh task fetches everything when it changes.
    pub refresh_seq: u64,
    pub data_tx: mpsc::Sender<Msg>,
    pub data_rx: mpsc::Receiver<Msg>,
    pub refresher: Refresher,
    pub streamer: Option<Streamer>,
    /// Config changes and the results of edits, links and alert commands come in here.
    pub inbox_tx: mpsc::UnboundedSender<Msg>,
    pub inbox: mpsc::UnboundedReceiver<Msg>,
    pub known: Option<watcher::Known>,
    pub edit_lock: Arc<std::sync::Mutex<()>>,
    /// The add prompt's remote searches, started when it first asks.
    pub searchers: Option<super::search::Searchers>,
    pub watcher: Option<tokio::task::JoinHandle<()>>,
    /// The config the running sources were built from, to see what an edit changed.
    pub built_from: Config,
    pub last_draw: Instant,
    /// Data changed what is shown but the last frame is too recent: draw at this instant.
    pub draw_at: Option<Instant>,
    /// When the turn under way woke: a frame it owes is due from then.
    pub turn_began: Instant,
    /// When the next time on screen changes.
    pub tick_at: Instant,
    pub jump: ClockJump,
}

impl<B, E, F> Loop<'_, B, E, F>
where
    B: Backend,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: FnMut() -> E,
{
    /// Sleep until something happens. Biased: control first, then input, data, the inbox, the
    /// frame and cache timers, the clock, and last the stream, so a flood of ticks holds up nothing.
    pub async fn wait(&mut self) -> Wake {
        let tick_armed = !self.state.layout().too_small;
        let draw_at = self.draw_at;
        let save_at = self.saver.as_ref().and_then(cache::Saver::due);
        let Loop { rt, events, input_open, data_rx, inbox, streamer, tick_at, .. } = self;
        let input_ready = *input_open && events.is_some();
        tokio::select! {
            biased;
            Some(m) = rt.control.recv() => Wake::Msg(m),
            m = async { input::next(events.as_mut()?, input_open).await }, if input_ready => {
                m.map_or(Wake::Nothing, Wake::Msg)
            }
            Some(m) = data_rx.recv() => Wake::Msg(m),
            Some(m) = inbox.recv() => Wake::Msg(m),
            _ = sleep_until_some(draw_at) => Wake::Draw,
            _ = sleep_until_some(save_at) => Wake::Save,
            _ = tokio::time::sleep_until(*tick_at), if tick_armed => Wake::Msg(Msg::Tick),
            Some(ev) = async { streamer.as_mut()?.events.recv().await }, if streamer.is_some() => {
                Wake::Msg(Msg::Stream(ev))
            }
        }
    }

    /// One wake-up's messages: `first`, then whatever is already queued behind it, as one frame.
    pub async fn turn(&mut self, first: Msg) -> io::Result<Flow> {
        self.meter.woke();
        self.turn_began = Instant::now();
        self.check_clock_jump();
        let mut pending = VecDeque::from([first]);
        let mut owed = Owed::default();
        while let Some(msg) = pending.pop_front() {
            // What the user did is drawn at once; what came in (ticks, quotes, the clock) at most
            // once a frame, so a tick flood costs ten frames a second and no more.
            let urgent = matches!(msg, Msg::Key(_) | Msg::Resize(..) | Msg::Mouse(_));
            let out = update(&mut self.state, msg, self.rt.clock.now());
            if urgent {
                owed.now |= out.redraw;
            } else {
                owed.data |= out.redraw;
            }
            for eff in out.effects {
                if self.effect(eff, &mut pending, &mut owed).await? == Flow::Quit {
                    return Ok(Flow::Quit);
                }
            }
            // Whatever is already queued is handled before drawing: a burst becomes one frame.
            if pending.is_empty() {
                pending.extend(self.queued(owed).await);
            }
        }
        self.draw_owed(owed)?;
        self.tick_at = Instant::now() + self.state.next_time_change();
        Ok(Flow::Go)
    }

    /// Back from a suspend (or the clock was set forward): everything due meanwhile, now.
    fn check_clock_jump(&mut self) {
        if let Some(by) = self.jump.look(self.rt.clock.now(), Instant::now()) {
            tracing::info!(by_secs = by.num_seconds(), "the wall clock jumped forward");
            self.refresh_now();
        }
    }

    /// A message that is already waiting, in the select's order of priority.
    async fn queued(&mut self, owed: Owed) -> Option<Msg> {
        if let Ok(m) = self.rt.control.try_recv() {
            return Some(m);
        }
        if let Some(events) = self.events.as_mut()
            && let Some(m) = input::ready(events, &mut self.input_open).await
        {
            return Some(m);
        }
        if let Ok(m) = self.data_rx.try_recv() {
            return Some(m);
        }
        if let Ok(m) = self.inbox.try_recv() {
            return Some(m);
        }
        // More ticks only while no frame is owed: a steady flood still gets drawn.
        if self.frame_due(owed) {
            return None;
        }
        self.streamer.as_mut().and_then(|s| s.events.try_recv().ok()).map(Msg::Stream)
    }

    fn frame_due(&self, owed: Owed) -> bool {
        owed.now || (owed.data && self.last_draw.elapsed() >= FRAME)
    }

    /// Draw now what is owed, or set the frame timer for data that came too soon after a frame.
    fn draw_owed(&mut self, owed: Owed) -> io::Result<()> {
        if self.frame_due(owed) {
            self.draw()
        } else {
            if owed.data && self.draw_at.is_none() {
                self.draw_at = Some(self.last_draw + FRAME);
            }
            Ok(())
        }
    }

    pub fn draw(&mut self) -> io::Result<()> {
        let state = &self.state;
        self.terminal.draw(|f| crate::ui::view(state, f)).map_err(|e| io::Error::other(e.to_string()))?;
        let now = Instant::now();
        self.meter.drew(self.draw_at.unwrap_or(self.turn_began), now);
        (self.last_draw, self.draw_at) = (now, None);
        Ok(())
    }

    pub fn save(&mut self) {
        if let Some(s) = self.saver.as_mut() {
            s.save(&self.state, self.rt.clock.now());
        }
    }

    /// Stop the tasks and write the cache one last time.
    pub async fn finish(self) -> Stats {
        if let Some(w) = self.watcher {
            w.abort();
        }
        drop(self.refresher);
        drop(self.streamer);
        drop(self.searchers);
        if let Some(s) = self.saver {
            s.finish(&self.state, self.rt.clock.now()).await;
        }
        self.meter.stats
    }
}

/// Sleeps until `at`, or for ever when there is nothing to wait for.
async fn sleep_until_some(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The effects `Msg` handling asked for, one small function each.
impl<B, E, F> Loop<'_, B, E, F>
where
    B: Backend,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: FnMut() -> E,
{
    async fn effect(
        &mut self,
        eff: Effect,
        pending: &mut VecDeque<Msg>,
        owed: &mut Owed,
    ) -> io::Result<Flow> {
        match eff {
            Effect::Quit => return Ok(Flow::Quit),
            Effect::RefreshNow => self.refresh_now(),
            Effect::Replan => self.replan(),
            Effect::Reconfigure => self.reconfigure(),
            Effect::FetchSeries { generation, keys } => {
                super::fetch_series(&self.rt.providers, generation, keys, &self.inbox_tx)
            }
            Effect::Bell => (self.rt.bell)(),
            Effect::Log(line) => tracing::warn!("{line}"),
            Effect::MouseCapture(on) => {
                if let Some(s) = self.rt.suspend.as_mut()
                    && let Err(e) = s.mouse(on)
                {
                    tracing::warn!(error = %e, "the mouse could not be switched");
                }
            }
            Effect::AlertCommand(message) => super::notify::run_alert_command(
                &self.state.config.alerts_command,
                message,
                self.inbox_tx.clone(),
            ),
            Effect::SaveCache => {
                if let Some(s) = self.saver.as_mut() {
                    s.changed();
                }
            }
            Effect::OpenLink(url) => {
                super::opener::open_link(self.rt.opener.clone(), url, self.inbox_tx.clone())
            }
            Effect::AddSymbols { group, symbols, names } => match self.edit_job() {
                Some(job) => drop(tokio::spawn(super::edits::add(
                    job,
                    self.rt.providers.clone(),
                    group,
                    symbols,
                    names,
                ))),
                None => pending.push_back(Msg::Notice(NO_FILE.to_string())),
            },
            Effect::RemoveSymbol { group, symbol } => match self.edit_job() {
                Some(job) => drop(tokio::spawn(super::edits::remove(job, group, symbol))),
                None => pending.push_back(Msg::Notice(NO_FILE.to_string())),
            },
            Effect::EditConfig => self.edit_config(pending, owed).await?,
            Effect::Search { seq, query } => {
                let (sources, inbox) = (&self.rt.providers.search, &self.inbox_tx);
                self.searchers
                    .get_or_insert_with(|| super::search::Searchers::start(sources, inbox))
                    .ask(seq, query)
            }
        }
        Ok(Flow::Go)
    }

    fn refresh_now(&mut self) {
        self.refresh_seq += 1;
        self.refresher.plan(self.state.plan(self.refresh_seq));
    }

    fn replan(&mut self) {
        self.refresher.plan(self.state.plan(self.refresh_seq));
        if let Some(s) = &self.streamer {
            s.follow(self.state.stream_symbols());
        }
    }

    /// New sources for a changed config, and a refresh task that answers the new plan. The stream
    /// is kept when the sources kept it, so its subscription just follows.
    fn reconfigure(&mut self) {
        if let Some(rebuild) = &self.rt.rebuild {
            self.rt.providers = rebuild(&self.state.config, &self.built_from, &self.rt.providers);
        }
        self.built_from = (*self.state.config).clone();
        // The next search starts tasks for the sources as they are now.
        self.searchers = None;
        let plan = self.state.plan(self.refresh_seq);
        // The old task goes first: its late answers carry the old generation anyway.
        self.refresher = Refresher::start(&self.rt.providers, &self.rt.clock, plan, self.data_tx.clone());
        match &self.streamer {
            Some(s) if s.serves(&self.rt.providers) => s.follow(self.state.stream_symbols()),
            _ => {
                drop(self.streamer.take());
                self.streamer = Streamer::start(&self.rt.providers, self.state.stream_symbols());
                super::tasks::say_if_stream_off(&self.state.config, self.state.demo, &self.inbox_tx);
            }
        }
    }

    /// What an edit task needs: the file, the watcher's record of it, and the way back into the loop.
    fn edit_job(&self) -> Option<super::edits::Job> {
        let (path, known) = (self.rt.config_path.clone()?, self.known.clone()?);
        Some(super::edits::Job {
            path,
            known,
            inbox: self.inbox_tx.clone(),
            one_at_a_time: self.edit_lock.clone(),
        })
    }

    /// Hand the terminal to the user's editor, take it back, and read the file at once.
    async fn edit_config(&mut self, pending: &mut VecDeque<Msg>, owed: &mut Owed) -> io::Result<()> {
        let (Some(path), Some(suspend)) = (self.rt.config_path.clone(), self.rt.suspend.as_mut()) else {
            pending.push_back(Msg::Notice("editing needs a terminal and a config path".to_string()));
            return Ok(());
        };
        // The input stream must let go of the terminal, or it would eat the editor's keys.
        self.events = None;
        // Only a shutdown stops the editor; the control channel closing does not.
        let control = &mut self.rt.control;
        let stop = async {
            while let Some(m) = control.recv().await {
                if matches!(m, Msg::Shutdown) {
                    return;
                }
            }
            futures::future::pending().await
        };
        let outcome = super::editor::edit_in_editor(&path, suspend.as_mut(), stop).await;
        // The time in the editor is the user's, not a late frame.
        self.turn_began = Instant::now();
        self.events = Some((self.make_events)());
        // Resizes while the editor had the terminal were not seen: ask again.
        if let Ok(size) = self.terminal.size() {
            pending.push_back(Msg::Resize(size.width, size.height));
        }
        // The editor left its own screen behind; ratatui only writes what changed, so draw a blank
        // frame first and the next one paints every cell. (Terminal::clear would ask the terminal
        // for the cursor position, which not every terminal answers.)
        self.terminal
            .draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))
            .map_err(|e| io::Error::other(e.to_string()))?;
        owed.now = true;
        match outcome {
            Ok(super::editor::Edited::Done(note)) => {
                pending.push_back(Msg::Notice(note));
                // Read now, not at the watcher's next poll; it then knows this text.
                let known = self.known.clone().unwrap_or_default();
                pending.push_back(Msg::Config(Box::new(watcher::read(&path, &known))));
            }
            Ok(super::editor::Edited::Interrupted) => pending.push_back(Msg::Shutdown),
            Err(e) => pending.push_back(Msg::Notice(e)),
        }
        Ok(())
    }
}

const NO_FILE: &str = "no config file path for this user: edits cannot be saved";
