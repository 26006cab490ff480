"""Review: comments on passages (and, later, suggested changes), kept in the scene's synced
document so they travel offline and live with the text."""
