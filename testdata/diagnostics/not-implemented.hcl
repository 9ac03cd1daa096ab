vm "host" {
  os = "ubuntu-24.04"
}
