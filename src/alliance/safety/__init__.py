"""What a client in crisis is shown, and a self-harm answer kept even when its form is not."""
