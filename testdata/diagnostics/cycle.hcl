testfile "a" {
  path       = "/etc/a"
  content    = testfile.c.content
}

testfile "b" {
  path       = "/etc/b"
  content    = testfile.a.content
}

testfile "c" {
  path       = "/etc/c"
  content    = "c"
  depends_on = [testfile.b]
}
