"""The projector / big screen of a workshop."""
