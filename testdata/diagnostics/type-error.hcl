testfile "a" {
  path    = "/etc/a"
  content = ["not", "a", "string"]
}
