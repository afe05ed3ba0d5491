"""The Keras models this project trains end to end and exports to the projector."""
