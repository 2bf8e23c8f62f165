"""The Textual app. The only package allowed to import Textual."""
