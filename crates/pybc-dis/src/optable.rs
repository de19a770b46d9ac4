//! What the decoder and the printer read for every instruction, packed per
//! opcode table: the generated tables keep these facts in 48-byte entries
//! reached through `deopt`, and find `EXTENDED_ARG` by name.

use std::sync::{Mutex, PoisonError};

use pybc_versions::opcodes::{ArgKind, Jump, OpcodeTable};

use crate::columns::PaddedName;

/// The facts of an opcode's base opcode, in a few bytes.
#[derive(Copy, Clone, Debug)]
pub(crate) struct OpFacts {
    pub(crate) has_arg: bool,
    /// The base opcode is the version's `EXTENDED_ARG`.
    pub(crate) extended_arg: bool,
    /// Number of 2-byte inline cache entries after the instruction.
    pub(crate) cache_entries: u8,
    pub(crate) jump: Jump,
    pub(crate) arg_kind: ArgKind,
}

/// Per-opcode facts and listing names of one opcode table.
pub(crate) struct OpTables {
    facts: [OpFacts; 256],
    padded: [Option<PaddedName>; 256],
}

impl OpTables {
    fn new(table: &OpcodeTable) -> OpTables {
        let extended_arg = table.extended_arg_opcode();
        let each = |op: usize| u8::try_from(op).unwrap_or(u8::MAX);
        OpTables {
            facts: std::array::from_fn(|op| {
                let op = each(op);
                let base = table.base(op);
                OpFacts {
                    has_arg: base.has_arg,
                    extended_arg: extended_arg == Some(table.op(op).deopt),
                    cache_entries: base.cache_entries,
                    jump: base.jump,
                    arg_kind: base.arg_kind,
                }
            }),
            padded: std::array::from_fn(|op| PaddedName::new(table.op(each(op)).name)),
        }
    }

    pub(crate) fn facts(&self, opcode: u8) -> OpFacts {
        // An array of 256 indexed by a byte: always there.
        self.facts
            .get(usize::from(opcode))
            .copied()
            .unwrap_or(NO_FACTS)
    }

    /// The opcode's name followed by spaces (`None`: not ASCII, or too
    /// long to pad).
    pub(crate) fn padded_name(&self, opcode: u8) -> Option<&PaddedName> {
        self.padded
            .get(usize::from(opcode))
            .and_then(Option::as_ref)
    }
}

const NO_FACTS: OpFacts = OpFacts {
    has_arg: false,
    extended_arg: false,
    cache_entries: 0,
    jump: Jump::None,
    arg_kind: ArgKind::None,
};

/// The [`OpTables`] of `table`, built on first use and kept for the life
/// of the process: there are a few dozen tables, 10 KiB each.
pub(crate) fn op_tables(table: &'static OpcodeTable) -> &'static OpTables {
    static BUILT: Mutex<Vec<(usize, &'static OpTables)>> = Mutex::new(Vec::new());
    let key = std::ptr::from_ref(table) as usize;
    // Nothing can panic while the lock is held but a full allocator.
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&(_, tables)) = built.iter().find(|(k, _)| *k == key) {
        return tables;
    }
    let tables: &'static OpTables = Box::leak(Box::new(OpTables::new(table)));
    built.push((key, tables));
    tables
}
