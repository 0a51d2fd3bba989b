"""Pure value objects shared by every layer. Imports nothing of ours."""
