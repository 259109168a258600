"""Parts of the reading screen that are features of their own (annotations, the dictionary,
entities, the library, search): the keymap reaches their keys through the screen's `part` action;
they see the screen through `context.Reading` and tell it what happened in messages."""
