"""The Playground page's UI: toolbar and sidebar, presets, time travel and links, health, export
and import. Imports lab_ui.shared and lab_ui.live."""
