"""The scene editor: Markdown-subset and Fountain text shown formatted while it is typed."""

from desktop.editor.scene_editor import EditorLook, SceneEditor

__all__ = ["EditorLook", "SceneEditor"]
