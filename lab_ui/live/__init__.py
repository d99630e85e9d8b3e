"""The live view and its channel: the component, the frames it draws, the WebSocket route and
scheduler, the keys of the pages. Imports lab_ui.shared."""
