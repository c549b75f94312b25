package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PickledInfosTest {

    /**
     * Golden bytes, checked once with Python 3 and NumPy 2.4.6 under {@code -W error}:
     * {@code pickle.loads(bytes.fromhex(HEX))} gives {@code array([{}, {'a': 1}], dtype=object)}. A change
     * here needs that check again (tools/data/load_like_imitation.py --infos on a written file).
     */
    @Test
    void objectArrayOfDictsMatchesTheCheckedPickle() {
        byte[] pickle = PickledInfos.objectArrayOfDicts(List.of(JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode().put("a", 1)));
        assertEquals("8002636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a636e756d70790a"
                + "6e6461727261790a4b00855801000000628752284b014a0200000085636e756d70790a64747970650a58020000004f3889"
                + "888752284b0358010000007c4e4e4e4affffffff4affffffff4b3f7462895d287d7d285801000000614a010000007565"
                + "74622e", HexFormat.of().formatHex(pickle));
    }
}
