gateway "main" {
  bind      = "lan"
  auth_mode = "none"
  control_ui {
    allowed_origins = ["https://claw.example.org"]
  }
}
