testfile "a" {
  path = "/etc/a"
  content = "${jsonencode({a = [1, 2]})}"
}
