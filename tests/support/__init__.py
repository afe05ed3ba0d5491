"""Real-client test helpers: `tensorboard_server.TensorBoardServer` (a real TensorBoard and the
projector's HTTP routes) and `browser.open_projector` (headless Chromium on the projector page).
The `tensorboard` fixture in tests/conftest.py wraps the first one."""
