// Package importkit is what the kinds share to implement
// resources.Importer (`clawplan import`): the ownership records the last
// apply left in clawplan's state directory, so imported blocks keep the
// addresses that own what is on the host (a renamed block would plan the
// old one's deletion); small writers for attribute values, references and
// text (Text writes a multi-line string as a heredoc that reads back
// exactly); and Decode, which decodes an imported block the way the
// engine will, so an importer can check that its block reproduces the
// host before it hands it out.
package importkit
