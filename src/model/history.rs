//! Undo and redo over any target changed by invertible transactions: annotations
//! ([`super::command::History`]) and a reviewer's decisions (`crate::review::history`) keep
//! their steps the same way. Each step keeps the transaction that reverts it and the place
//! the user was before and after it (as helix keeps a selection with each revision), so undo
//! and redo show where the change was made; the identity of each state drives the dirty flag.

/// A change that applies to a `T` as a whole or not at all, and gives back the change that
/// reverts it.
pub trait Revertible<T: ?Sized>: Sized {
    /// Why it was refused (the target is then unchanged).
    type Error;

    /// Applies the change to `target`; returns its inverse.
    fn apply_to(self, target: &mut T) -> Result<Self, Self::Error>;

    /// Whether it changes nothing (not recorded as a step).
    fn is_empty(&self) -> bool;
}

/// Where the user was in a `T` (a selection), kept with each step.
pub trait Place<T: ?Sized>: Clone {
    /// This place as it can be shown in `target` now (what no longer exists dropped).
    fn checked(self, target: &T) -> Self {
        let _ = target;
        self
    }
}

/// One step: the transaction that reverts it, the state before it, and the places before
/// and after it.
#[derive(Debug)]
struct Revision<Tx, P> {
    revert: Tx,
    state: u64,
    before: P,
    after: P,
}

/// Undo/redo stacks, each step with its places, plus the identity of the saved state for the
/// dirty flag.
#[derive(Debug)]
pub struct UndoHistory<Tx, P> {
    undo: Vec<Revision<Tx, P>>,
    redo: Vec<Revision<Tx, P>>,
    /// Identity of the current state; every applied transaction makes a new one.
    state: u64,
    next_state: u64,
    saved_state: u64,
}

impl<Tx, P> Default for UndoHistory<Tx, P> {
    fn default() -> Self {
        UndoHistory {
            undo: Vec::new(),
            redo: Vec::new(),
            state: 0,
            next_state: 0,
            saved_state: 0,
        }
    }
}

impl<Tx: Clone, P: Clone> UndoHistory<Tx, P> {
    /// Applies `tx` to `target` and records it for undo, with the place before the change and
    /// the one to show after it. Clears the redo stack. An empty transaction is no step.
    pub fn apply<T: ?Sized>(
        &mut self,
        target: &mut T,
        tx: Tx,
        before: P,
        after: P,
    ) -> Result<(), Tx::Error>
    where
        Tx: Revertible<T>,
    {
        if tx.is_empty() {
            return Ok(());
        }
        let revert = tx.apply_to(target)?;
        self.undo.push(Revision {
            revert,
            state: self.state,
            before,
            after,
        });
        self.redo.clear();
        self.next_state += 1;
        self.state = self.next_state;
        Ok(())
    }

    /// Undoes the last step. Returns the place from before it (checked against the target as
    /// it is now), or `None` when there is nothing to undo.
    pub fn undo<T: ?Sized>(&mut self, target: &mut T) -> Result<Option<P>, Tx::Error>
    where
        Tx: Revertible<T>,
        P: Place<T>,
    {
        self.step(target, true)
    }

    /// Redoes the last undone step. Returns the place from after it (checked), or `None`
    /// when there is nothing to redo.
    pub fn redo<T: ?Sized>(&mut self, target: &mut T) -> Result<Option<P>, Tx::Error>
    where
        Tx: Revertible<T>,
        P: Place<T>,
    {
        self.step(target, false)
    }

    fn step<T: ?Sized>(&mut self, target: &mut T, undo: bool) -> Result<Option<P>, Tx::Error>
    where
        Tx: Revertible<T>,
        P: Place<T>,
    {
        let (from, to) = if undo {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(rev) = from.pop() else {
            return Ok(None);
        };
        match rev.revert.clone().apply_to(target) {
            Ok(revert) => {
                let shown = if undo {
                    rev.before.clone()
                } else {
                    rev.after.clone()
                };
                to.push(Revision {
                    revert,
                    state: self.state,
                    before: rev.before,
                    after: rev.after,
                });
                self.state = rev.state;
                Ok(Some(shown.checked(target)))
            }
            Err(e) => {
                from.push(rev);
                Err(e)
            }
        }
    }

    /// The transaction the next undo applies (the one reverting the last step).
    pub fn next_undo(&self) -> Option<&Tx> {
        self.undo.last().map(|r| &r.revert)
    }

    /// The transaction the next redo applies.
    pub fn next_redo(&self) -> Option<&Tx> {
        self.redo.last().map(|r| &r.revert)
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Whether the target differs from the state last marked saved.
    pub fn is_dirty(&self) -> bool {
        self.state != self.saved_state
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self) {
        self.saved_state = self.state;
    }

    /// Marks state `state` (an earlier [`Self::state_id`]) as the one saved: a save that
    /// started before the latest changes leaves them unsaved.
    pub fn mark_saved_state(&mut self, state: u64) {
        self.saved_state = state;
    }

    /// Identity of the current state (changes with every apply, undo and redo).
    pub fn state_id(&self) -> u64 {
        self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds to a number; the inverse subtracts. Refuses to go below zero.
    #[derive(Clone, Debug, PartialEq)]
    struct Add(i64);

    impl Revertible<i64> for Add {
        type Error = String;
        fn apply_to(self, n: &mut i64) -> Result<Self, String> {
            if *n + self.0 < 0 {
                return Err(format!("{n} + {} is negative", self.0));
            }
            *n += self.0;
            Ok(Add(-self.0))
        }
        fn is_empty(&self) -> bool {
            self.0 == 0
        }
    }

    /// A place that `checked` clamps to the target.
    #[derive(Clone, Debug, PartialEq)]
    struct At(i64);

    impl Place<i64> for At {
        fn checked(self, n: &i64) -> Self {
            At(self.0.min(*n))
        }
    }

    #[test]
    fn steps_undo_redo_with_their_places_and_the_dirty_flag() {
        let mut n = 0i64;
        let mut h: UndoHistory<Add, At> = UndoHistory::default();
        h.apply(&mut n, Add(5), At(0), At(5)).expect("apply");
        h.apply(&mut n, Add(0), At(5), At(5)).expect("empty");
        assert!(h.can_undo() && h.is_dirty());
        h.mark_saved();
        h.apply(&mut n, Add(3), At(5), At(8)).expect("apply");
        assert_eq!(h.next_undo(), Some(&Add(-3)));
        assert_eq!(h.undo(&mut n), Ok(Some(At(5))));
        assert_eq!(n, 5);
        assert!(!h.is_dirty(), "back at the saved state");
        assert_eq!(h.redo(&mut n), Ok(Some(At(8))));
        assert_eq!(n, 8);
        assert_eq!(h.undo(&mut n), Ok(Some(At(5))));
        assert_eq!(h.undo(&mut n), Ok(Some(At(0))));
        assert_eq!(h.undo(&mut n), Ok(None));
        assert_eq!(n, 0);
        // A refused change is no step and changes nothing.
        assert!(h.apply(&mut n, Add(-1), At(0), At(0)).is_err());
        assert_eq!(n, 0);
        assert!(h.can_redo(), "a refused change keeps the redo stack");
        // A new change clears the redo stack.
        h.apply(&mut n, Add(2), At(0), At(9)).expect("apply");
        assert!(!h.can_redo());
        assert_eq!(h.undo(&mut n), Ok(Some(At(0))));
        assert_eq!(
            h.redo(&mut n),
            Ok(Some(At(2))),
            "checked against the target"
        );
    }
}
