notyet "host" {
  anything = "goes"
}
