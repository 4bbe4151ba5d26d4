"""Fixed vocabularies that turn the collector's strings into integer codes.

The service encodes events with these tables and the engine reads the codes back, so the order
of each tuple is part of the stored format: append, never reorder.
"""

KEY_CLASSES = (
    "letter",
    "digit",
    "space",
    "backspace",
    "enter",
    "modifier",
    "navigation",
    "other",
)
VISIBILITY_STATES = ("visible", "hidden")
PAGE_PHASES = ("shown", "submitted")
INPUT_TYPES = (
    "other",
    "insertText",
    "insertFromPaste",
    "insertFromDrop",
    "insertReplacementText",
    "insertCompositionText",
    "insertLineBreak",
    "insertParagraph",
    "deleteContentBackward",
    "deleteContentForward",
    "deleteWordBackward",
    "deleteWordForward",
    "deleteByCut",
    "historyUndo",
    "historyRedo",
    "insertFromYank",
    "insertTranspose",
    "deleteSoftLineBackward",
    "deleteHardLineBackward",
    "deleteContent",
    "deleteByDrag",
)

# Fields whose values come from a fixed vocabulary, and that vocabulary.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "key": KEY_CLASSES,
    "state": VISIBILITY_STATES,
    "phase": PAGE_PHASES,
    "input_type": INPUT_TYPES,
}

RISK_LEVELS = ("low", "medium", "high", "critical")
