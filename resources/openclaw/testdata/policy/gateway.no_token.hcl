gateway "main" {
  auth_mode = "token"
}
