"""AI generation with Claude: context assembly, prompt templates, streaming, history.

- :mod:`.credentials`: the API key, from ANTHROPIC_API_KEY or the OS keyring only.
- :mod:`.templates`: the editable prompt template of each action (resources/prompts/).
- :mod:`.context`: what the model sees, fitted to a token budget by a stated priority order.
- :mod:`.codex_match`: which codex entries a text mentions, by name or alias.
- :mod:`.client`: the streaming Claude client and its retry policy.
- :mod:`.service`: :func:`~core.generation.service.run_generation`, the job that ties them up.
- :mod:`.history`: every generation, recorded and browsable.

Nothing is imported here, so that importing core stays free of the SDK.
"""
