// The OpenGL implementation of TextureCache: one GL texture per key, re-uploaded when its version (or its
// filtering) changes.
// Lives only in the windowed app (needs a current GL context).
#pragma once

#include "app/gui/gui_context.hpp"

#include <map>
#include <string>

namespace mlsys::gui {

class GlTextureCache final : public TextureCache {
public:
    GlTextureCache() = default;
    ~GlTextureCache() override;  // deletes every texture (the GL context must still be current)
    GlTextureCache(const GlTextureCache&) = delete;
    GlTextureCache& operator=(const GlTextureCache&) = delete;

    ImTextureID update(const std::string& key, int w, int h, const uint32_t* rgba, uint64_t version,
                       bool smooth = false) override;

private:
    struct Entry {
        unsigned id = 0;
        int w = 0, h = 0;
        uint64_t version = ~0ull;
        bool smooth = false;
    };
    std::map<std::string, Entry> textures_;
};

}  // namespace mlsys::gui
