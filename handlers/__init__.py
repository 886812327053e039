"""Channel adapters. Each channel is a slice with the same files:
``convert`` (platform payload ↔ our message types), ``transport`` (sending),
``webhook`` (the HTTP endpoint). They talk to the core through ``bot.messages``
and ``bot.service`` only, and never import each other."""
